// /seqrepo/1: the SeqRepo REST interface vrs-python's SeqRepoRESTDataProxy calls. Expected values
// come from the fixture FASTA files and test/fixtures/refget/expected-ids.json (the spec's test
// vectors), not from the server: the alphabet is the sorted distinct letters of the fixture
// sequence, slices are slices of it, clamping follows Python's slice rules (seqrepo slices).
// A client written from vrs-python's SeqRepoRESTDataProxy (404 → KeyError, aliases filtered by
// namespace) runs against a real socket.
import t from 'tap';
import { circularApp, extraApps, get, ids, SEQ, I_LEN, assertError } from '../helpers/sequence-suite.js';
import { buildTestApp, sampleStore } from '../helpers/sample-store.js';

const I = ids('I');
const digest = I.ga4gh.slice('SQ.'.length);
const alphabetOf = (s: string): string => [...new Set(s)].sort().join('');
const pySlice = (s: string, start?: number, end?: number): string => s.slice(start ?? 0, end ?? s.length);

t.test('ping', async (t) => {
  const res = await get(circularApp, '/seqrepo/1/ping');
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^application\/json/);
  const body = JSON.parse(res.body) as { version: unknown };
  t.type(body.version, 'string');
});

t.test('metadata by every identifier form names the same sequence, in seqrepo shape', async (t) => {
  const forms = [
    I.ga4gh, // bare SQ.
    `ga4gh:${I.ga4gh}`,
    `MD5:${I.md5}`,
    `md5:${I.md5}`,
    I.md5,
    `TRUNC512:${I.trunc512}`,
    `VMC:GS_${digest}`,
    'insdc:BK006935.2',
    'INSDC:BK006935.2',
    'BK006935.2', // bare alias: the namespace is found
  ];
  for (const form of forms) {
    const res = await get(circularApp, `/seqrepo/1/metadata/${encodeURIComponent(form)}`);
    t.equal(res.statusCode, 200, form);
    t.match(res.headers['content-type'], /^application\/json/);
    const md = JSON.parse(res.body) as { added: string; aliases: string[]; alphabet: string; length: number };
    t.same(Object.keys(md).sort(), ['added', 'aliases', 'alphabet', 'length'], `${form}: keys`);
    t.equal(md.length, I_LEN, `${form}: length`);
    t.equal(md.alphabet, alphabetOf(SEQ.I), `${form}: alphabet`);
    t.ok(!Number.isNaN(Date.parse(md.added)) && /^\d{4}-\d\d-\d\dT/.test(md.added), `${form}: added is ISO 8601`);
    t.same(
      [...md.aliases].sort(),
      [`ga4gh:${I.ga4gh}`, `MD5:${I.md5}`, `TRUNC512:${I.trunc512}`, `VMC:GS_${digest}`, 'insdc:BK006935.2'].sort(),
      `${form}: aliases`,
    );
  }
});

t.test('sequence: whole, interbase slices, clamped like a Python slice', async (t) => {
  const cases: [query: string, start?: number, end?: number][] = [
    [''],
    ['?start=0&end=10', 0, 10],
    ['?start=100', 100],
    ['?end=7', undefined, 7],
    ['?start=230210&end=999999999', 230210, 999999999],
    ['?start=999999&end=9999999', 999999, 9999999],
    ['?start=5&end=5', 5, 5],
  ];
  for (const [query, start, end] of cases) {
    for (const id of [`ga4gh:${I.ga4gh}`, 'insdc:BK006935.2']) {
      const res = await get(circularApp, `/seqrepo/1/sequence/${id}${query}`);
      t.equal(res.statusCode, 200, `${id}${query}`);
      t.equal(res.headers['content-type'], 'text/plain; charset=us-ascii');
      t.equal(res.body, pySlice(SEQ.I, start, end), `${id}${query}: bases`);
      t.equal(res.headers['content-length'], String(pySlice(SEQ.I, start, end).length));
    }
  }
});

t.test('errors: unknown → 404, start > end and ambiguous → 422, malformed coordinates → 400', async (t) => {
  for (const path of ['sequence', 'metadata']) {
    for (const id of [
      `ga4gh:SQ.${'A'.repeat(32)}`,
      `MD5:${'0'.repeat(32)}`,
      'insdc:NOPE.1',
      'NOPE.1',
      'VMC:GS_nothing',
      ':',
      'x'.repeat(2000),
    ]) {
      assertError(
        t,
        await get(circularApp, `/seqrepo/1/${path}/${encodeURIComponent(id)}`),
        404,
        'SEQUENCE_NOT_FOUND',
        id.slice(0, 30),
      );
    }
  }
  assertError(t, await get(circularApp, `/seqrepo/1/sequence/${I.md5}?start=10&end=5`), 422, 'UNPROCESSABLE', 'start > end');
  for (const q of ['start=-1', 'start=abc', 'end=1.5', 'start=1&start=2', 'end=', 'start=99999999999']) {
    assertError(t, await get(circularApp, `/seqrepo/1/sequence/${I.md5}?${q}`), 400, 'INVALID_PARAMETER', q);
  }
  const { extraApp } = await extraApps();
  for (const path of ['sequence', 'metadata']) {
    // ucsc:dup names two sequences
    const body = assertError(t, await get(extraApp, `/seqrepo/1/${path}/ucsc:dup`), 422, 'UNPROCESSABLE', `${path} ucsc:dup`);
    t.match(body.message, /Multiple sequences/);
    assertError(t, await get(extraApp, `/seqrepo/1/${path}/dup`), 422, 'UNPROCESSABLE', `${path} bare dup`);
  }
});

t.test('a long sequence: streamed slices, alphabet read once for many simultaneous asks', async (t) => {
  const { extraApp, extra } = await extraApps();
  const big = extra.bigSequence;
  const whole = await get(extraApp, '/seqrepo/1/sequence/refseq:NC_BIG.1');
  t.equal(whole.statusCode, 200);
  t.equal(whole.body.length, big.length);
  t.ok(whole.body === big, 'the whole 2.5 Mbp sequence, streamed');
  const slice = await get(extraApp, '/seqrepo/1/sequence/NC_BIG.1?start=1000000&end=2400000');
  t.ok(slice.body === big.slice(1_000_000, 2_400_000), 'a 1.4 Mbp slice');
  const answers = await Promise.all(Array.from({ length: 20 }, () => get(extraApp, '/seqrepo/1/metadata/refseq:NC_BIG.1')));
  const alphabets = new Set(answers.map((r) => (JSON.parse(r.body) as { alphabet: string }).alphabet));
  t.same([...alphabets], [alphabetOf(big)], 'every answer has the alphabet of the sequence');
});

/** vrs-python's SeqRepoRESTDataProxy, transcribed: what VRS normalisation calls. */
class SeqRepoRestClient {
  constructor(private readonly base: string) {}

  async getSequence(identifier: string, start?: number, end?: number): Promise<string> {
    const params = new URLSearchParams();
    if (start !== undefined) params.set('start', String(start));
    if (end !== undefined) params.set('end', String(end));
    const query = params.size > 0 ? `?${params.toString()}` : '';
    const res = await fetch(`${this.base}/1/sequence/${identifier}${query}`);
    if (res.status === 404) throw new Error(`KeyError: ${identifier}`);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return res.text();
  }

  async getMetadata(identifier: string): Promise<{ length: number; aliases: string[] }> {
    const res = await fetch(`${this.base}/1/metadata/${identifier}`);
    if (res.status === 404) throw new Error(`KeyError: ${identifier}`);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return (await res.json()) as { length: number; aliases: string[] };
  }

  async translateSequenceIdentifier(identifier: string, namespace: string): Promise<string[]> {
    const md = await this.getMetadata(identifier);
    return [...new Set(md.aliases)].filter((a) => a.startsWith(`${namespace}:`));
  }
}

t.test('a VRS-style data proxy over a real socket', async (t) => {
  const app = await buildTestApp(t, await sampleStore(t));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  const dp = new SeqRepoRestClient(`http://127.0.0.1:${address.port}/seqrepo`);
  t.same(await dp.translateSequenceIdentifier('insdc:BK006935.2', 'ga4gh'), [`ga4gh:${I.ga4gh}`], 'alias → ga4gh id');
  const [ga4ghId] = await dp.translateSequenceIdentifier('insdc:BK006935.2', 'ga4gh');
  t.equal((await dp.getMetadata(ga4ghId!)).length, I_LEN);
  t.equal(await dp.getSequence(ga4ghId!, 10, 20), SEQ.I.slice(10, 20), 'a slice by ga4gh id');
  t.equal(await dp.getSequence('insdc:BK006935.2', 10, 20), SEQ.I.slice(10, 20), 'the same slice by alias');
  await t.rejects(dp.getSequence(`ga4gh:SQ.${'B'.repeat(32)}`, 0, 1), /KeyError/, 'unknown id → KeyError');
});
