// GET|HEAD /sequence/:id: R13 subsequence limit, §2.3 ambiguous alias (300), §2.8 normalised bytes, streaming of long sequences, read errors. Shared expectations and apps: test/helpers/sequence-suite.ts.
import t from 'tap';
import {
  endOfSection,
  ACGT,
  BIG_LEN,
  FASTA_TYPE,
  I_LEN,
  NC_LEN,
  NNNN,
  SEQ,
  assertError,
  assertSequence,
  circularApp,
  extraApps,
  get,
  limitApp,
  path,
  sameBody,
  type Headers,
  type Res,
} from '../../helpers/sequence-suite.js';
import { send } from '../../helpers/http-client.js';

const { extra, extraApp, corruptApp } = await extraApps();

// ---------------------------------------------------------------------------------------------
// R13: subsequence limit.

t.test('R13: subsequenceLimit 1000 → 416 beyond it (start/end and Range); the whole sequence is unaffected', async (t) => {
  assertSequence(t, await get(limitApp, path('I')), { status: 200, body: SEQ.I, acceptRanges: 'bytes' }, 'whole I');
  assertSequence(t, await get(limitApp, path('VI')), { status: 200, body: SEQ.VI, acceptRanges: 'bytes' }, 'whole VI');
  assertSequence(
    t,
    await get(limitApp, `${path('I')}?start=0&end=1000`),
    { status: 200, body: SEQ.I.slice(0, 1000), acceptRanges: 'none' },
    '1000 bases',
  );
  assertSequence(
    t,
    await get(limitApp, `${path('I')}?start=229218`),
    { status: 200, body: SEQ.I.slice(229218), acceptRanges: 'none' },
    'last 1000 via start only',
  );
  assertSequence(
    t,
    await get(limitApp, path('I'), { range: 'bytes=5-1004' }),
    { status: 206, body: SEQ.I.slice(5, 1005), acceptRanges: 'bytes', contentRange: `bytes 5-1004/${I_LEN}` },
    'Range of 1000',
  );
  assertSequence(
    t,
    await get(limitApp, path('I'), { range: 'bytes=229500-999999' }),
    { status: 206, body: SEQ.I.slice(229500), acceptRanges: 'bytes', contentRange: `bytes 229500-${I_LEN - 1}/${I_LEN}` },
    'clamped Range under the limit',
  );
  // Wrapped length L - start + end counts.
  assertSequence(
    t,
    await get(limitApp, `${path('NC')}?start=5000&end=614`),
    { status: 200, body: SEQ.NC.slice(5000) + SEQ.NC.slice(0, 614), acceptRanges: 'none' },
    'wrap of exactly 1000',
  );

  const over: { url: string; headers: Headers; len: number }[] = [
    { url: `${path('I')}?start=0&end=1001`, headers: {}, len: I_LEN },
    { url: `${path('I')}?start=0`, headers: {}, len: I_LEN },
    { url: `${path('I')}?end=230218`, headers: {}, len: I_LEN },
    { url: `${path('NC')}?start=5000&end=615`, headers: {}, len: NC_LEN },
    { url: path('I'), headers: { range: 'bytes=0-1000' }, len: I_LEN },
    { url: path('I'), headers: { range: 'bytes=0-999999' }, len: I_LEN },
    { url: path('NC'), headers: { range: 'bytes=0-5385' }, len: NC_LEN },
  ];
  for (const o of over) {
    const body = assertError(
      t,
      await get(limitApp, o.url, o.headers),
      416,
      'RANGE_NOT_SATISFIABLE',
      `${o.url} ${o.headers.range ?? ''}`,
    );
    t.equal(body.subsequenceLimit, 1000, 'the limit is named in the error');
  }
  // The same requests are fine without a limit.
  t.equal((await get(circularApp, `${path('I')}?start=0&end=1001`)).statusCode, 200, 'no limit: 1001 bases');
  t.equal((await get(circularApp, path('I'), { range: 'bytes=0-999999' })).statusCode, 206, 'no limit: whole via Range');
  // Syntax errors are still 400 under a limit; 501 still wins for start > end without circular support.
  assertError(t, await get(limitApp, `${path('I')}?start=abc`), 400, 'INVALID_PARAMETER', 'limit + bad start');
});

t.test('§2.3 / §2.7: an alias naming two sequences → 300 with the candidates', async (t) => {
  for (const url of [
    '/sequence/ucsc:dup',
    '/sequence/ucsc%3Adup',
    '/sequence/UCSC:dup',
    '/sequence/ucsc:dup?start=0&end=1',
    '/sequence/ucsc:dup/metadata',
  ]) {
    const res = await get(extraApp, url);
    const body = assertError(t, res, 300, 'AMBIGUOUS_ALIAS', url);
    const candidates = body.candidates as { ga4gh: string; md5: string; length: number }[];
    t.ok(Array.isArray(candidates), `${url}: candidates listed`);
    t.same(
      [...candidates].sort((a, b) => a.ga4gh.localeCompare(b.ga4gh)),
      [
        { ga4gh: ACGT.ga4gh, md5: ACGT.md5, length: 4 },
        { ga4gh: NNNN.ga4gh, md5: NNNN.md5, length: 4 },
      ].sort((a, b) => a.ga4gh.localeCompare(b.ga4gh)),
      `${url}: both candidates, with spec digests`,
    );
    t.notOk(res.headers.location, `${url}: no Location (no single preferred choice)`);
  }
  // A unique alias of the same store resolves.
  assertSequence(
    t,
    await get(extraApp, '/sequence/ucsc:chrOne'),
    { status: 200, body: 'ACGT', acceptRanges: 'bytes' },
    'ucsc:chrOne',
  );
  // 300 beats 406: the id is resolved first.
  assertError(
    t,
    await get(extraApp, '/sequence/ucsc:dup', { accept: 'embl/some_json' }),
    300,
    'AMBIGUOUS_ALIAS',
    'ambiguous + bad accept',
  );
});

t.test('§2.8: served bytes are the normalised sequence; spec digests resolve', async (t) => {
  for (const id of [ACGT.md5, ACGT.ga4gh, `ga4gh:${ACGT.ga4gh}`, ACGT.trunc512, `trunc512:${ACGT.trunc512}`]) {
    assertSequence(t, await get(extraApp, `/sequence/${id}`), { status: 200, body: 'ACGT', acceptRanges: 'bytes' }, id);
  }
  assertSequence(t, await get(extraApp, `/sequence/${NNNN.ga4gh}`), { status: 200, body: 'NNNN', acceptRanges: 'bytes' }, 'NNNN');
  assertSequence(
    t,
    await get(extraApp, `/sequence/${NNNN.md5}?start=1&end=3`),
    { status: 200, body: 'NN', acceptRanges: 'none' },
    'NN',
  );
});

t.test('long sequences stream with Content-Length (whole, start/end, wrap, Range, FASTA)', async (t) => {
  const big = extra.bigSequence;
  t.equal(big.length, BIG_LEN);
  const id = '/sequence/refseq:NC_BIG.1';
  assertSequence(t, await get(extraApp, id), { status: 200, body: big, acceptRanges: 'bytes' }, 'whole');
  assertSequence(
    t,
    await get(extraApp, `${id}?start=500&end=2200000`),
    { status: 200, body: big.slice(500, 2_200_000), acceptRanges: 'none' },
    'start/end',
  );
  assertSequence(
    t,
    await get(extraApp, `${id}?start=1000000&end=900000`),
    { status: 200, body: big.slice(1_000_000) + big.slice(0, 900_000), acceptRanges: 'none' },
    'circular wrap across two streams',
  );
  assertSequence(
    t,
    await get(extraApp, id, { range: 'bytes=3-99999999' }),
    { status: 206, body: big.slice(3), acceptRanges: 'bytes', contentRange: `bytes 3-${BIG_LEN - 1}/${BIG_LEN}` },
    'Range',
  );
  const fa = await get(extraApp, `${id}?start=1000000&end=900000`, { accept: 'text/x-fasta' });
  t.equal(fa.statusCode, 200);
  t.equal(fa.headers['content-type'], FASTA_TYPE);
  t.equal(fa.headers['content-length'], String(fa.rawPayload.length), 'streamed FASTA content-length');
  const lines = fa.body.split('\n');
  t.equal(lines.pop(), '');
  t.match(lines.shift(), /^>SQ\./);
  t.equal(
    lines.findIndex((l, i) => (i < lines.length - 1 ? l.length !== 60 : l.length < 1 || l.length > 60)),
    -1,
    '60 columns',
  );
  sameBody(t, lines.join(''), big.slice(1_000_000) + big.slice(0, 900_000), 'streamed FASTA sequence');
  const head = await send(extraApp, { method: 'HEAD', url: id });
  t.equal(head.headers['content-length'], String(BIG_LEN), 'HEAD content-length of a streamed sequence');
  t.equal(head.rawPayload.length, 0);
});

t.test('a store read error while streaming is a JSON 500 or an aborted body, never a crash', async (t) => {
  const id = '/sequence/refseq:NC_BIG.1';
  const requests: { url: string; headers: Headers }[] = [
    { url: id, headers: {} },
    { url: `${id}?start=1000000&end=900000`, headers: {} },
    { url: id, headers: { accept: 'text/x-fasta' } },
    { url: `${id}?start=1000000&end=900000`, headers: { accept: 'text/x-fasta' } },
    { url: id, headers: { range: 'bytes=0-2000000', accept: 'text/x-fasta' } },
    { url: `${id}?start=2000000&end=2000010`, headers: {} }, // small: the buffered path
    { url: `${id}?start=2000000&end=2000010`, headers: { accept: 'text/x-fasta' } },
  ];
  for (const r of requests) {
    const label = `${r.url} ${JSON.stringify(r.headers)}`;
    let res: Res;
    try {
      res = await get(corruptApp, r.url, r.headers);
    } catch (err) {
      // Headers were already sent (the FASTA header goes first): the only honest move is to cut
      // the connection, so the client sees a body shorter than Content-Length.
      t.match(String((err as Error).message), /destroyed|aborted|premature/i, `${label}: response aborted`);
      continue;
    }
    const body = assertError(t, res, 500, 'CORRUPT_STORE', label);
    t.equal(body.message, 'Internal Server Error', `${label}: no internals in a 5xx message`);
    t.notMatch(res.body, /\.pack|\/tmp\//, `${label}: no file paths in the body`);
    t.notOk(res.headers['content-range'], `${label}: no content-range on a 500`);
    t.notOk(res.headers['accept-ranges'], `${label}: no accept-ranges on a 500`);
  }
  // The process survived and the server is still serving.
  t.equal((await get(corruptApp, `/sequence/${NNNN.md5}`)).statusCode, 200, 'still serving');
});

endOfSection();
