// GET|HEAD /sequence/:id through app.inject, row by row against spec §2.2 (Accept), §2.3 (status
// codes), §2.4.1 (start/end, both circular modes), §2.4.3 (Range), §2.4.4 (headers), §2.7
// (identifiers) and checklist §2.9 R3–R11, R13. Expected bytes come from the FASTA files in
// test/fixtures/refget and expected digests from expected-ids.json / the spec's test vectors.
import t from 'tap';
import { readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildTestApp, sampleStore, FIXTURES, tempDir } from '../helpers/sample-store.js';
import { runIngest } from '../../src/cli/ingest-command.js';
import {
  EXPECTED,
  NAMES,
  type ExpectedIds,
  type Name,
  type Test,
  REFGET_JSON_TYPE as JSON_TYPE,
  BROWSER_ACCEPT,
} from '../helpers/refget-expected.js';

type Res = LightMyRequestResponse;
type Headers = Record<string, string>;

// ---------------------------------------------------------------------------------------------
// Expected values, independent of the code under test.

const REFGET_DATA = join(FIXTURES, 'refget');
const SEQ_TYPE = 'text/vnd.ga4gh.refget.v2.0.0+plain; charset=us-ascii';
const FASTA_TYPE = 'text/x-fasta; charset=us-ascii';
const IMMUTABLE = 'public, max-age=31536000, immutable';
const SUITE_SEQ_ACCEPT = 'text/vnd.ga4gh.refget.v1.0.0+plain,text/vnd.ga4gh.refget.v2.0.0+plain';
const SUITE_RANGE_ACCEPT = 'text/vnd.ga4gh.refget.v1.0.0+plain';

/** The sequence of a single-record FASTA file, normalised as the spec says (§2.8). */
function fastaSequence(file: string): string {
  const text = readFileSync(file, 'latin1');
  return text
    .split(/\r?\n/)
    .filter((l) => !l.startsWith('>'))
    .join('')
    .replace(/[^A-Za-z]/g, '')
    .toUpperCase();
}

const SEQ = {
  I: fastaSequence(join(REFGET_DATA, 'I.faa')),
  VI: fastaSequence(join(REFGET_DATA, 'VI.faa')),
  NC: fastaSequence(join(REFGET_DATA, 'NC.faa')),
};

const ids = (name: Name): ExpectedIds => EXPECTED[name];
const I_LEN = 230218;
const NC_LEN = 5386;

/** Every identifier form of spec §2.7 for one sequence; each must return the same body. */
function idForms(name: Name): string[] {
  const e = ids(name);
  const digest = e.ga4gh.slice('SQ.'.length);
  const alias = e.aliases[0]!;
  return [
    e.md5,
    e.md5.toUpperCase(),
    `md5:${e.md5}`,
    `md5:${e.md5.toUpperCase()}`,
    `MD5:${e.md5}`,
    e.trunc512,
    e.trunc512.toUpperCase(),
    `trunc512:${e.trunc512}`,
    `trunc512:${e.trunc512.toUpperCase()}`,
    e.ga4gh,
    `ga4gh:${e.ga4gh}`,
    `ga4gh%3A${e.ga4gh}`,
    `ga4gh%3a${e.ga4gh}`,
    `md5%3A${e.md5}`,
    `SQ.${digest}`,
    `${alias.naming_authority}:${alias.alias}`,
    `${alias.naming_authority}%3A${alias.alias}`,
    `${alias.naming_authority.toUpperCase()}:${alias.alias}`,
  ];
}

/** Swap the case of every letter: a base64url digest with its case changed names nothing. */
const swapCase = (s: string): string =>
  s.replace(/[A-Za-z]/g, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()));

// ---------------------------------------------------------------------------------------------
// Assertions.

function get(app: FastifyInstance, url: string, headers: Headers = {}): Promise<Res> {
  return app.inject({ method: 'GET', url, headers });
}

/** Compares long bodies without dumping 200 kB into the TAP output on failure. */
function sameBody(t: Test, actual: string, expected: string, msg: string): void {
  if (actual === expected) {
    t.pass(msg);
    return;
  }
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  t.fail(msg, {
    actualLength: actual.length,
    expectedLength: expected.length,
    firstDifferenceAt: i,
    actualAround: actual.slice(Math.max(0, i - 10), i + 20),
    expectedAround: expected.slice(Math.max(0, i - 10), i + 20),
  });
}

interface SeqExpect {
  status: 200 | 206;
  body: string;
  /** Accept-Ranges value; 'none' for start/end. */
  acceptRanges: string;
  /** Content-Range for 206. */
  contentRange?: string;
  contentType?: string;
}

/** A successful sequence response: status, content-type, every required header, body. */
function assertSequence(t: Test, res: Res, exp: SeqExpect, msg = ''): void {
  const p = msg === '' ? '' : `${msg}: `;
  t.equal(res.statusCode, exp.status, `${p}status`);
  t.equal(res.headers['content-type'], exp.contentType ?? SEQ_TYPE, `${p}content-type`);
  t.equal(res.headers['content-length'], String(Buffer.byteLength(exp.body)), `${p}content-length`);
  t.equal(res.rawPayload.length, Buffer.byteLength(exp.body), `${p}payload length`);
  t.notOk(res.headers['transfer-encoding'], `${p}not chunked`);
  t.notOk(res.headers['content-encoding'], `${p}no content-encoding`);
  t.equal(res.headers['accept-ranges'], exp.acceptRanges, `${p}accept-ranges`);
  t.equal(res.headers['cache-control'], IMMUTABLE, `${p}cache-control`);
  t.match(res.headers.etag, /^"[^"]+"$/, `${p}strong etag`);
  t.equal(res.headers['access-control-allow-origin'], '*', `${p}CORS`);
  if (exp.status === 206) t.equal(res.headers['content-range'], exp.contentRange, `${p}content-range`);
  else t.notOk(res.headers['content-range'], `${p}no content-range on 200`);
  sameBody(t, res.body, exp.body, `${p}body`);
}

/** An error response: JSON {error, message}, refget JSON type, no stack trace. */
function assertError(t: Test, res: Res, status: number, code?: string, msg = ''): Record<string, unknown> {
  const p = msg === '' ? '' : `${msg}: `;
  t.equal(res.statusCode, status, `${p}status ${status}`);
  t.equal(res.headers['content-type'], JSON_TYPE, `${p}error content-type`);
  t.equal(res.headers['access-control-allow-origin'], '*', `${p}CORS on error`);
  t.equal(
    res.headers['cache-control'],
    status >= 500 ? 'no-store' : undefined,
    `${p}errors are not marked immutable (5xx: no-store)`,
  );
  t.notOk(res.headers.etag, `${p}no etag on error`);
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(res.body) as Record<string, unknown>;
  } catch {
    t.fail(`${p}error body is JSON`, { body: res.body.slice(0, 200) });
    return body;
  }
  t.type(body.error, 'string', `${p}error is a string`);
  t.type(body.message, 'string', `${p}message is a string`);
  if (code !== undefined) t.equal(body.error, code, `${p}error code`);
  t.notOk('stack' in body, `${p}no stack key`);
  t.notMatch(res.body, /\bat .+\.(?:ts|js):\d+/, `${p}no stack frames in body`);
  t.notMatch(res.body, /[^\x20-\x7e]/, `${p}ASCII-only body`);
  return body;
}

function assert416(t: Test, res: Res, length: number, msg = ''): void {
  assertError(t, res, 416, undefined, msg);
  t.equal(res.headers['content-range'], `bytes */${length}`, `${msg}: unsatisfied content-range`);
}

// ---------------------------------------------------------------------------------------------
// Fixtures.

const storeDir = await sampleStore(t);
const circularApp = await buildTestApp(t, storeDir, { circularSupported: true });
const linearApp = await buildTestApp(t, storeDir, { circularSupported: false });
const limitApp = await buildTestApp(t, storeDir, { circularSupported: true, subsequenceLimit: 1000 });
const MODES: readonly { label: string; app: FastifyInstance; circular: boolean }[] = [
  { label: 'circular_supported=true', app: circularApp, circular: true },
  { label: 'circular_supported=false', app: linearApp, circular: false },
];

const path = (name: Name, id: string = ids(name).md5): string => `/sequence/${id}`;

// ---------------------------------------------------------------------------------------------
// An extra store: an ambiguous alias (300), normalisation, and sequences long enough to stream.

/** Deterministic pseudo-random bases (LCG), with lower-case and N runs mixed in. */
function syntheticSequence(length: number, seed: number): string {
  const bases = 'ACGT';
  let x = seed >>> 0;
  let out = '';
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out += bases[x >>> 30];
  }
  return `${out.slice(0, 1000)}${'N'.repeat(5000)}${out.slice(6000, 700_000).toLowerCase()}${out.slice(700_000)}`;
}

/** FASTA text wrapped at `width`. */
function toFasta(name: string, seq: string, width = 70): string {
  const lines = [`>${name} synthetic`];
  for (let i = 0; i < seq.length; i += width) lines.push(seq.slice(i, i + width));
  return `${lines.join('\n')}\n`;
}

const ACGT = {
  md5: 'f1f8f4bf413b16ad135722aa4591043e',
  ga4gh: 'SQ.aKF498dAxcJAqme6QYQ7EZ07-fiw8Kw2',
  trunc512: '68a178f7c740c5c240aa67ba41843b119d3bf9f8b0f0ac36',
};
const NNNN = { md5: 'ef95bc05180af51bfd945e93b2bbba8e', ga4gh: 'SQ.OjvYcaDLJAbI_obSPKkxIKNHkBCXC2dM' };
const BIG_LEN = 2_500_000; // > the 1 MiB buffer limit: exercises the block and streaming paths

const extra = await (async () => {
  const dir = tempDir(t, 'refget-http-extra-');
  const fasta = join(dir, 'extra.fa');
  const big = syntheticSequence(BIG_LEN, 42);
  // 'one' is stored lower-case with a stop and gap characters; it must be served as ACGT.
  writeFileSync(fasta, `>one\nac-g\nt*\n>four_n\nNNNN\n${toFasta('big', big)}`);
  const aliases = join(dir, 'aliases.tsv');
  writeFileSync(aliases, 'one\tucsc\tdup\nfour_n\tucsc\tdup\none\tucsc\tchrOne\nbig\trefseq\tNC_BIG.1\n');
  const store = join(dir, 'store');
  await runIngest([fasta], { store, aliases, circular: ['big'] });
  // The same sequences in a second store whose pack file is then cut short: reads fail.
  const corrupt = join(dir, 'corrupt');
  await runIngest([fasta], { store: corrupt, aliases, circular: ['big'] });
  for (const file of readdirSync(join(corrupt, 'packs'))) truncateSync(join(corrupt, 'packs', file), 1000);
  return { store, corrupt, bigSequence: big.replace(/[^A-Za-z]/g, '').toUpperCase() };
})();
const extraApp = await buildTestApp(t, extra.store, { circularSupported: true });
const corruptApp = await buildTestApp(t, extra.corrupt, { circularSupported: true });

t.test('fixture sanity: FASTA bytes agree with the spec', async (t) => {
  t.equal(SEQ.I.length, I_LEN);
  t.equal(SEQ.VI.length, 270161);
  t.equal(SEQ.NC.length, NC_LEN);
  for (const name of NAMES) t.equal(SEQ[name].length, ids(name).length, `${name} length`);
  t.equal(SEQ.I.slice(10, 20), 'CCCACACACC');
  t.equal(SEQ.I.slice(0, 5), 'CCACA');
  t.equal(SEQ.NC.slice(5374) + SEQ.NC.slice(0, 5), 'ATCCAACCTGCAGAGTT');
  t.match(SEQ.I, /^[A-Z]+$/);
});

// ---------------------------------------------------------------------------------------------
// R3 / R4 / R5, §2.7: identifiers.

t.test('§2.7 / R3 / R4: every identifier form returns the same whole sequence', async (t) => {
  for (const name of NAMES) {
    for (const id of idForms(name)) {
      const res = await get(circularApp, path(name, id));
      assertSequence(t, res, { status: 200, body: SEQ[name], acceptRanges: 'bytes' }, `${name} ${id}`);
    }
  }
});

t.test('§2.7: the ids the compliance suite requests', async (t) => {
  for (const name of NAMES) {
    const suiteIds = (EXPECTED[name] as ExpectedIds & { ids_the_suite_requests: string[] }).ids_the_suite_requests;
    for (const id of suiteIds) {
      const res = await get(circularApp, path(name, id), { accept: SUITE_SEQ_ACCEPT });
      assertSequence(t, res, { status: 200, body: SEQ[name], acceptRanges: 'bytes' }, `${name} ${id}`);
    }
  }
});

t.test('§2.7 / R4 / R5: unknown, malformed and case-changed ids are 404, never 400', async (t) => {
  const e = ids('I');
  const digest = e.ga4gh.slice(3);
  const bad = [
    'Garbagechecksum',
    'some1111garbage1111ID',
    `sq.${digest}`, // lower-cased prefix
    `ga4gh:sq.${digest}`,
    `SQ.${swapCase(digest)}`, // the base64url digest is case-sensitive
    `SQ.${digest.toLowerCase()}`,
    `SQ.${digest.toUpperCase()}`,
    `ga4gh:SQ.${swapCase(digest)}`,
    e.ga4gh.toLowerCase(),
    `ga4gh:${digest}`, // no SQ.
    e.md5.slice(0, 31),
    `${e.md5}0`,
    '0'.repeat(32), // well-formed md5 of nothing stored
    '0'.repeat(48),
    `md5:${e.trunc512}`,
    `trunc512:${e.md5}`,
    `SQ.${digest.slice(0, 31)}`,
    'SQ.',
    'insdc:NOPE.1',
    'insdc:',
    ':BK006935.2',
    'x'.repeat(300), // longer than Fastify's default maxParamLength (100): still 404, not 414
    'g'.repeat(32),
  ];
  for (const id of bad) {
    const res = await get(circularApp, `/sequence/${encodeURIComponent(id)}`);
    assertError(t, res, 404, 'SEQUENCE_NOT_FOUND', id.slice(0, 60));
  }
  // A bad id with a bad Accept is still 404 (the id is resolved first, spec §2.4.5).
  assertError(
    t,
    await get(circularApp, '/sequence/Garbagechecksum', { accept: 'embl/some_json' }),
    404,
    'SEQUENCE_NOT_FOUND',
    'garbage + bad accept',
  );
});

t.test('§2.4.5 step 1: a trailing slash is ignored', async (t) => {
  assertSequence(t, await get(circularApp, `${path('NC')}/`), { status: 200, body: SEQ.NC, acceptRanges: 'bytes' }, 'NC/');
  assertSequence(
    t,
    await get(circularApp, `${path('I')}/?start=10&end=20`),
    { status: 200, body: 'CCCACACACC', acceptRanges: 'none' },
    'I/?start&end',
  );
});

// ---------------------------------------------------------------------------------------------
// §2.2 Accept negotiation (R6, R7).

t.test('§2.2 / R6: acceptable Accept headers give the default type', async (t) => {
  const accepts: (string | undefined)[] = [
    undefined,
    '',
    SUITE_SEQ_ACCEPT,
    SUITE_RANGE_ACCEPT,
    'text/vnd.ga4gh.refget.v1.0.1+plain',
    'text/vnd.ga4gh.refget.v2.0.0+plain',
    'text/vnd.ga4gh.refget.v2.0.0+plain; charset=us-ascii',
    'TEXT/VND.GA4GH.REFGET.V2.0.0+PLAIN',
    'text/plain',
    'text/plain; charset=us-ascii',
    'text/plain;charset=us-ascii',
    'text/*',
    '*/*',
    BROWSER_ACCEPT,
    'application/json;q=0.9, text/plain;q=0.1', // JSON is not offered: the lower-weighted plain wins
    'text/x-fasta;q=0.5, text/plain', // plain preferred over FASTA
    'text/*;q=0.2',
    'embl/some_json, */*;q=0.1',
  ];
  for (const accept of accepts) {
    const headers: Headers = accept === undefined ? {} : { accept };
    assertSequence(
      t,
      await get(circularApp, path('NC'), headers),
      { status: 200, body: SEQ.NC, acceptRanges: 'bytes' },
      `Accept: ${String(accept)}`,
    );
  }
  // With a subsequence too (the suite sends its list on start/end requests).
  assertSequence(
    t,
    await get(circularApp, `${path('I')}?start=10&end=20`, { accept: SUITE_SEQ_ACCEPT }),
    { status: 200, body: 'CCCACACACC', acceptRanges: 'none' },
    'suite accept + start/end',
  );
});

t.test('§2.2 / R7: unacceptable Accept headers → 406', async (t) => {
  const accepts = [
    'embl/some_json',
    'application/json',
    'application/vnd.ga4gh.refget.v2.0.0+json',
    'application/*',
    'text/html',
    'text/plain;q=0',
    '*/*;q=0',
    'text/vnd.ga4gh.refget.v3.0.0+plain',
    'image/png, application/xml;q=0.9',
  ];
  for (const accept of accepts) {
    const body = assertError(t, await get(circularApp, path('NC'), { accept }), 406, 'NOT_ACCEPTABLE', `Accept: ${accept}`);
    t.ok(Array.isArray(body.available), `${accept}: lists the available types`);
  }
  // 406 wins over the interval checks (Accept is step 3 of §2.4.5).
  assertError(
    t,
    await get(circularApp, `${path('I')}?start=abc`, { accept: 'embl/some_json' }),
    406,
    'NOT_ACCEPTABLE',
    'bad accept + bad start',
  );
  assertError(
    t,
    await get(circularApp, path('I'), { accept: 'embl/some_json', range: 'bytes=5-1' }),
    406,
    'NOT_ACCEPTABLE',
    'bad accept + bad range',
  );
});

t.test('§2.2: ?accept= overrides the Accept header', async (t) => {
  assertSequence(
    t,
    await get(circularApp, `${path('NC')}?accept=text/plain`, { accept: 'application/json' }),
    { status: 200, body: SEQ.NC, acceptRanges: 'bytes' },
    '?accept=text/plain over application/json',
  );
  assertSequence(
    t,
    await get(circularApp, `${path('NC')}?accept=text%2Fplain`, { accept: 'text/x-fasta' }),
    { status: 200, body: SEQ.NC, acceptRanges: 'bytes' },
    '?accept=text/plain over text/x-fasta',
  );
  assertSequence(
    t,
    await get(circularApp, `${path('I')}?accept=text/plain&start=10&end=20`, { accept: 'embl/some_json' }),
    { status: 200, body: 'CCCACACACC', acceptRanges: 'none' },
    '?accept with start/end',
  );
  assertError(
    t,
    await get(circularApp, `${path('NC')}?accept=application/json`),
    406,
    'NOT_ACCEPTABLE',
    '?accept=application/json',
  );
  assertError(
    t,
    await get(circularApp, `${path('NC')}?accept=embl/some_json`, { accept: 'text/plain' }),
    406,
    'NOT_ACCEPTABLE',
    '?accept wins even when it is worse',
  );
  const fasta = await get(circularApp, `${path('NC')}?accept=text/x-fasta`);
  t.equal(fasta.statusCode, 200);
  t.equal(fasta.headers['content-type'], FASTA_TYPE, '?accept=text/x-fasta gives FASTA');
});

// ---------------------------------------------------------------------------------------------
// FASTA (§2.2 item 5): formatting after selection, 60 columns, `>` header.

/** Checks a FASTA body: `>` header naming the sequence, 60-column lines, trailing newline. */
function assertFastaBody(t: Test, body: string, name: Name, expected: string, msg: string): void {
  const e = ids(name);
  t.ok(body.startsWith('>'), `${msg}: starts with >`);
  t.ok(body.endsWith('\n'), `${msg}: ends with a newline`);
  t.notMatch(body, /\r/, `${msg}: LF only`);
  const lines = body.split('\n');
  t.equal(lines.pop(), '', `${msg}: nothing after the last newline`);
  const header = lines.shift() ?? '';
  t.match(header, /^>\S/, `${msg}: header has an id right after >`);
  t.ok(header.includes(e.ga4gh), `${msg}: header names ${e.ga4gh}`);
  t.ok(header.includes(e.md5), `${msg}: header names the md5`);
  t.ok(header.includes(`${e.aliases[0]!.naming_authority}:${e.aliases[0]!.alias}`), `${msg}: header names the alias`);
  t.equal(lines.length, Math.ceil(expected.length / 60), `${msg}: line count`);
  const wrong = lines.findIndex((l, i) => (i < lines.length - 1 ? l.length !== 60 : l.length < 1 || l.length > 60));
  t.equal(wrong, -1, `${msg}: every line is 60 columns, the last 1–60`);
  sameBody(t, lines.join(''), expected, `${msg}: sequence`);
}

t.test('§2.2: text/x-fasta → FASTA, 60-column lines, applied after range selection', async (t) => {
  for (const name of NAMES) {
    const res = await get(circularApp, path(name), { accept: 'text/x-fasta' });
    t.equal(res.statusCode, 200, `${name} fasta status`);
    t.equal(res.headers['content-type'], FASTA_TYPE, `${name} fasta content-type`);
    t.equal(res.headers['content-length'], String(res.rawPayload.length), `${name} fasta content-length`);
    t.equal(res.headers['cache-control'], IMMUTABLE);
    t.notOk(res.headers['content-encoding']);
    assertFastaBody(t, res.body, name, SEQ[name], `${name} whole`);
  }
  // start/end: the selection is made on bases, then formatted.
  const sub = await get(circularApp, `${path('I')}?start=10&end=130`, { accept: 'text/x-fasta' });
  t.equal(sub.statusCode, 200);
  t.equal(sub.headers['accept-ranges'], 'none');
  t.equal(sub.headers['content-length'], String(sub.rawPayload.length));
  assertFastaBody(t, sub.body, 'I', SEQ.I.slice(10, 130), 'I 10-130 (two full lines)');
  const odd = await get(circularApp, `${path('I')}?start=7&end=200`, { accept: 'text/x-fasta' });
  assertFastaBody(t, odd.body, 'I', SEQ.I.slice(7, 200), 'I 7-200');
  // A circular wrap is formatted as one sequence.
  const wrap = await get(circularApp, `${path('NC')}?start=5380&end=25`, { accept: 'text/x-fasta' });
  t.equal(wrap.statusCode, 200);
  assertFastaBody(t, wrap.body, 'NC', 'CCTGCAGAGTTTTATCGCTTCCATGACGCAG', 'NC wrap');
  // Empty selection: only the header.
  const empty = await get(circularApp, `${path('I')}?start=10&end=10`, { accept: 'text/x-fasta' });
  t.equal(empty.statusCode, 200);
  t.match(empty.body, /^>[^\n]+\n$/, 'empty selection is the header alone');
  t.equal(empty.headers['content-length'], String(empty.rawPayload.length));
  // Range: the header and newlines are not counted (spec); Content-Range names the base bytes.
  const range = await get(circularApp, path('I'), { accept: 'text/x-fasta', range: 'bytes=10-19' });
  t.equal(range.statusCode, 206);
  t.equal(range.headers['content-type'], FASTA_TYPE);
  t.equal(range.headers['content-range'], `bytes 10-19/${I_LEN}`);
  t.equal(range.headers['content-length'], String(range.rawPayload.length));
  assertFastaBody(t, range.body, 'I', 'CCCACACACC', 'I bytes=10-19');
  const long = await get(circularApp, path('I'), { accept: 'text/x-fasta', range: 'bytes=100-999999' });
  t.equal(long.statusCode, 206);
  t.equal(long.headers['content-range'], `bytes 100-${I_LEN - 1}/${I_LEN}`);
  assertFastaBody(t, long.body, 'I', SEQ.I.slice(100), 'I bytes=100-999999');
  // FASTA has its own ETag: a cache must not answer a plain request with FASTA.
  const plain = await get(circularApp, path('I'));
  const fa = await get(circularApp, path('I'), { accept: 'text/x-fasta' });
  t.not(fa.headers.etag, plain.headers.etag, 'FASTA and plain ETags differ');
  // Errors are the same with FASTA.
  assertError(
    t,
    await get(circularApp, `${path('I')}?start=abc`, { accept: 'text/x-fasta' }),
    400,
    'INVALID_PARAMETER',
    'fasta + bad start',
  );
  assert416(
    t,
    await get(circularApp, path('NC'), { accept: 'text/x-fasta', range: 'bytes=5386-5390' }),
    NC_LEN,
    'fasta + unsatisfiable range',
  );
});

t.test('responses that depend on Accept say so with Vary: Accept (shared caches, immutable bodies)', async (t) => {
  for (const headers of [{}, { accept: 'text/x-fasta' }] as Headers[]) {
    const res = await get(circularApp, path('NC'), headers);
    t.equal(res.statusCode, 200);
    t.match(
      String(res.headers.vary ?? ''),
      /(?:^|,\s*)accept(?:\s*,|$)/i,
      `Vary lists Accept (${headers.accept ?? 'no Accept'})`,
    );
  }
});

// ---------------------------------------------------------------------------------------------
// §2.4.1 start/end (R8), both circular modes.

type Outcome = { status: 200; body: string } | { status: 400 | 416 | 501 };
interface QueryRow {
  name: Name;
  query: string;
  supported: Outcome;
  unsupported: Outcome;
}

const ok = (body: string): Outcome => ({ status: 200, body });
const both = (o: Outcome): Pick<QueryRow, 'supported' | 'unsupported'> => ({ supported: o, unsupported: o });

const QUERY_ROWS: QueryRow[] = [
  { name: 'I', query: 'start=10&end=10', ...both(ok('')) },
  { name: 'I', query: 'start=10&end=20', ...both(ok('CCCACACACC')) },
  { name: 'I', query: 'start=10&end=11', ...both(ok(SEQ.I.slice(10, 11))) },
  { name: 'I', query: 'start=230208', ...both(ok(SEQ.I.slice(230208))) },
  { name: 'I', query: 'end=5', ...both(ok('CCACA')) },
  { name: 'I', query: 'start=230217&end=230218', ...both(ok('G')) },
  { name: 'I', query: 'start=0', ...both(ok(SEQ.I)) },
  { name: 'I', query: '&end=230218', ...both(ok(SEQ.I)) },
  { name: 'I', query: 'start=0&end=230218', ...both(ok(SEQ.I)) },
  { name: 'I', query: 'start=1&end=230218', ...both(ok(SEQ.I.slice(1))) },
  { name: 'I', query: 'start=230217', ...both(ok(SEQ.I.slice(230217))) },
  { name: 'I', query: 'end=0', ...both(ok('')) },
  { name: 'I', query: 'start=0&end=0', ...both(ok('')) },
  { name: 'I', query: 'end=230218&start=230217', ...both(ok('G')) },
  // 400: syntax (only ^[0-9]+$ ≤ 2^32-1) and start > L.
  { name: 'I', query: 'start=abc&end=20', ...both({ status: 400 }) },
  { name: 'I', query: 'start=-10&end=-29', ...both({ status: 400 }) },
  { name: 'I', query: 'start=abc', ...both({ status: 400 }) },
  { name: 'I', query: 'end=abc', ...both({ status: 400 }) },
  { name: 'I', query: 'start=-1', ...both({ status: 400 }) },
  { name: 'I', query: 'start=%2B1', ...both({ status: 400 }) }, // '+1'
  { name: 'I', query: 'start=+1', ...both({ status: 400 }) }, // ' 1'
  { name: 'I', query: 'start=1.0', ...both({ status: 400 }) },
  { name: 'I', query: 'start=0x10', ...both({ status: 400 }) },
  { name: 'I', query: 'start=1e3', ...both({ status: 400 }) },
  { name: 'I', query: 'start=', ...both({ status: 400 }) },
  { name: 'I', query: 'end=', ...both({ status: 400 }) },
  { name: 'I', query: 'start=1&start=2', ...both({ status: 400 }) },
  { name: 'I', query: 'end=4294967296', ...both({ status: 400 }) },
  { name: 'I', query: 'start=230219', ...both({ status: 400 }) }, // start > L (spec MUST)
  { name: 'I', query: 'start=4294967295&end=4294967295', ...both({ status: 400 }) },
  // 416: bounds (before the circular checks).
  { name: 'NC', query: 'start=67&end=5387', ...both({ status: 416 }) },
  { name: 'NC', query: 'start=5386&end=5375', ...both({ status: 416 }) },
  { name: 'NC', query: 'start=5386&end=5386', ...both({ status: 416 }) },
  { name: 'NC', query: 'start=5386&end=5', ...both({ status: 416 }) },
  { name: 'NC', query: 'start=5386', ...both({ status: 416 }) },
  { name: 'I', query: 'start=230218', ...both({ status: 416 }) },
  { name: 'I', query: 'end=230219', ...both({ status: 416 }) },
  { name: 'I', query: 'start=0&end=4294967295', ...both({ status: 416 }) },
  // start > end: 501 without circular support; 416 on a linear sequence; a wrap on a circular one.
  { name: 'I', query: 'start=220218&end=671', supported: { status: 416 }, unsupported: { status: 501 } },
  { name: 'I', query: 'start=20&end=10', supported: { status: 416 }, unsupported: { status: 501 } },
  { name: 'NC', query: 'start=20&end=4', supported: ok(SEQ.NC.slice(20) + SEQ.NC.slice(0, 4)), unsupported: { status: 501 } },
  { name: 'NC', query: 'start=5374&end=5', supported: ok('ATCCAACCTGCAGAGTT'), unsupported: { status: 501 } },
  { name: 'NC', query: 'start=5374&end=0', supported: ok('ATCCAACCTGCA'), unsupported: { status: 501 } },
  { name: 'NC', query: 'start=5380&end=25', supported: ok('CCTGCAGAGTTTTATCGCTTCCATGACGCAG'), unsupported: { status: 501 } },
  {
    name: 'NC',
    query: 'start=5385&end=5384',
    supported: ok(SEQ.NC.slice(5385) + SEQ.NC.slice(0, 5384)),
    unsupported: { status: 501 },
  },
];

const ERROR_CODE: Record<400 | 416 | 501, string[]> = {
  400: ['INVALID_PARAMETER', 'FST_ERR_VALIDATION'],
  416: ['RANGE_NOT_SATISFIABLE'],
  501: ['CIRCULAR_UNSUPPORTED'],
};

t.test('§2.4.1 / R8: start/end rows, both circular modes', async (t) => {
  // Cross-check the spec's literal circular strings against the FASTA.
  t.equal(SEQ.NC.slice(5374) + SEQ.NC.slice(0, 0), 'ATCCAACCTGCA');
  t.equal(SEQ.NC.slice(5380) + SEQ.NC.slice(0, 25), 'CCTGCAGAGTTTTATCGCTTCCATGACGCAG');
  for (const mode of MODES) {
    for (const row of QUERY_ROWS) {
      const expected = mode.circular ? row.supported : row.unsupported;
      const label = `${mode.label} ${row.name} ?${row.query}`;
      const res = await get(mode.app, `${path(row.name)}?${row.query}`, { accept: SUITE_SEQ_ACCEPT });
      if (expected.status === 200) {
        assertSequence(t, res, { status: 200, body: expected.body, acceptRanges: 'none' }, label);
      } else {
        const body = assertError(t, res, expected.status, undefined, label);
        t.ok(ERROR_CODE[expected.status].includes(String(body.error)), `${label}: error code ${String(body.error)}`);
        if (expected.status === 416)
          t.equal(res.headers['content-range'], `bytes */${SEQ[row.name].length}`, `${label}: content-range`);
        t.notOk(res.headers['accept-ranges'], `${label}: no accept-ranges on error`);
      }
    }
  }
});

t.test('§2.3: start/end never gives 206, even for the whole sequence', async (t) => {
  for (const q of ['start=0', 'end=230218', 'start=0&end=230218']) {
    const res = await get(circularApp, `${path('I')}?${q}`);
    t.equal(res.statusCode, 200, q);
    t.equal(res.headers['accept-ranges'], 'none', `${q}: Accept-Ranges: none`);
  }
});

// ---------------------------------------------------------------------------------------------
// §2.4.3 Range (R9, R10).

type RangeOutcome = { status: 206; first: number; last: number } | { status: 400 | 416 };
interface RangeRow {
  name: Name;
  range: string;
  expect: RangeOutcome;
}

const RANGE_ROWS: RangeRow[] = [
  { name: 'I', range: 'bytes=10-19', expect: { status: 206, first: 10, last: 19 } },
  { name: 'I', range: 'bytes=10-230217', expect: { status: 206, first: 10, last: 230217 } },
  { name: 'I', range: 'bytes=10-999999', expect: { status: 206, first: 10, last: 230217 } },
  { name: 'I', range: 'bytes=0-230217', expect: { status: 206, first: 0, last: 230217 } },
  { name: 'I', range: 'bytes=0-999999', expect: { status: 206, first: 0, last: 230217 } },
  { name: 'I', range: 'bytes=0-0', expect: { status: 206, first: 0, last: 0 } },
  { name: 'I', range: 'bytes=230217-230217', expect: { status: 206, first: 230217, last: 230217 } },
  { name: 'I', range: 'bytes=230217-99999999999999999999', expect: { status: 206, first: 230217, last: 230217 } },
  { name: 'NC', range: 'bytes=5385-5385', expect: { status: 206, first: 5385, last: 5385 } },
  { name: 'NC', range: ' bytes=5-14 ', expect: { status: 206, first: 5, last: 14 } },
  { name: 'I', range: 'units=20-30', expect: { status: 400 } },
  { name: 'I', range: 'bytes=ab-19', expect: { status: 400 } },
  { name: 'I', range: 'bytes=-10--19', expect: { status: 400 } },
  { name: 'I', range: 'bytes=10--19', expect: { status: 400 } },
  { name: 'I', range: 'bytes=-10-', expect: { status: 400 } },
  { name: 'I', range: 'bytes==10-19', expect: { status: 400 } },
  { name: 'I', range: 'bytes=0-1,5-6', expect: { status: 400 } },
  { name: 'I', range: 'bytes=10-', expect: { status: 400 } },
  { name: 'I', range: 'bytes=-10', expect: { status: 400 } },
  { name: 'I', range: 'bytes=', expect: { status: 400 } },
  { name: 'I', range: '', expect: { status: 400 } },
  { name: 'NC', range: 'bytes=5200-19', expect: { status: 416 } },
  { name: 'NC', range: 'bytes=59-50', expect: { status: 416 } },
  { name: 'NC', range: 'bytes=5385-5382', expect: { status: 416 } },
  { name: 'NC', range: 'bytes=5387-5391', expect: { status: 416 } },
  { name: 'NC', range: 'bytes=5386-5387', expect: { status: 416 } },
  { name: 'NC', range: 'bytes=9999-99999', expect: { status: 416 } },
  { name: 'I', range: 'bytes=230218-230218', expect: { status: 416 } },
];

t.test('§2.4.3 / R9: Range rows (suite Accept: v1.0.0 only), both circular modes', async (t) => {
  for (const mode of MODES) {
    for (const row of RANGE_ROWS) {
      const label = `${mode.label} ${row.name} Range: '${row.range}'`;
      const res = await get(mode.app, path(row.name), { accept: SUITE_RANGE_ACCEPT, range: row.range });
      const len = SEQ[row.name].length;
      if (row.expect.status === 206) {
        const { first, last } = row.expect;
        assertSequence(
          t,
          res,
          {
            status: 206,
            body: SEQ[row.name].slice(first, last + 1),
            acceptRanges: 'bytes',
            contentRange: `bytes ${first}-${last}/${len}`,
          },
          label,
        );
      } else if (row.expect.status === 416) {
        const body = assertError(t, res, 416, 'RANGE_NOT_SATISFIABLE', label);
        t.ok(body, label);
        t.equal(res.headers['content-range'], `bytes */${len}`, `${label}: content-range */L`);
      } else {
        assertError(t, res, 400, 'INVALID_RANGE', label);
        t.notOk(res.headers['content-range'], `${label}: no content-range on 400`);
      }
    }
  }
  // The spec's literal examples on I.
  assertSequence(
    t,
    await get(circularApp, path('I'), { range: 'bytes=10-19' }),
    { status: 206, body: 'CCCACACACC', acceptRanges: 'bytes', contentRange: `bytes 10-19/${I_LEN}` },
    'spec bytes=10-19',
  );
  // Range bytes=a-b equals ?start=a&end=b+1.
  const viaRange = await get(circularApp, path('VI'), { range: 'bytes=1000-1999' });
  const viaQuery = await get(circularApp, `${path('VI')}?start=1000&end=2000`);
  t.equal(viaRange.body, viaQuery.body, 'bytes=1000-1999 == ?start=1000&end=2000');
  t.equal(viaRange.body, SEQ.VI.slice(1000, 2000));
  // The range unit is case-insensitive (RFC 9110 §14.1).
  t.equal((await get(circularApp, path('I'), { range: 'BYTES=10-19' })).statusCode, 206, 'BYTES=10-19');
});

t.test('§2.4.3: Range + any Accept the suite or a browser sends', async (t) => {
  for (const accept of [SUITE_RANGE_ACCEPT, SUITE_SEQ_ACCEPT, '*/*', BROWSER_ACCEPT, 'text/plain']) {
    const res = await get(circularApp, path('I'), { accept, range: 'bytes=10-19' });
    assertSequence(
      t,
      res,
      { status: 206, body: 'CCCACACACC', acceptRanges: 'bytes', contentRange: `bytes 10-19/${I_LEN}` },
      accept,
    );
  }
});

t.test('§2.4.2: Range never wraps a circular sequence', async (t) => {
  assert416(t, await get(circularApp, path('NC'), { range: 'bytes=5380-24' }), NC_LEN, 'NC bytes=5380-24');
});

t.test('§2.4.5 step 4 / R10: Range together with start or end → 400', async (t) => {
  for (const mode of MODES) {
    for (const q of ['start=10', 'end=20', 'start=10&end=20', 'start=abc', 'start=', 'start=5386&end=5']) {
      const res = await get(mode.app, `${path('NC')}?${q}`, { range: 'bytes=10-19' });
      assertError(t, res, 400, 'RANGE_WITH_QUERY', `${mode.label} Range + ?${q}`);
    }
    // Even when the Range alone would be 416.
    assertError(
      t,
      await get(mode.app, `${path('NC')}?start=1`, { range: 'bytes=9999-99999' }),
      400,
      'RANGE_WITH_QUERY',
      `${mode.label} 416 range + start`,
    );
  }
});

// ---------------------------------------------------------------------------------------------
// §2.4.4 / R11: headers; content-coding; caching; HEAD.

t.test('R11: no Content-Encoding even when gzip is accepted; Content-Length always', async (t) => {
  const requests: { url: string; headers: Headers; status: number }[] = [
    { url: path('I'), headers: {}, status: 200 },
    { url: `${path('I')}?start=0&end=100000`, headers: {}, status: 200 },
    { url: path('VI'), headers: { range: 'bytes=0-999999' }, status: 206 },
    { url: `${path('NC')}?start=5000&end=300`, headers: {}, status: 200 },
    { url: path('VI'), headers: { accept: 'text/x-fasta' }, status: 200 },
  ];
  for (const encoding of ['gzip, deflate', 'gzip', 'br', 'gzip, deflate, br, zstd', '*']) {
    for (const r of requests) {
      const res = await get(circularApp, r.url, { ...r.headers, 'accept-encoding': encoding });
      t.equal(res.statusCode, r.status, `${r.url} ${encoding}`);
      t.notOk(res.headers['content-encoding'], `${r.url} (${encoding}): no content-encoding`);
      t.equal(res.headers['content-length'], String(res.rawPayload.length), `${r.url} (${encoding}): content-length matches`);
      t.notOk(res.headers['transfer-encoding'], `${r.url} (${encoding}): not chunked`);
    }
  }
});

t.test('ETag, Cache-Control and If-None-Match → 304', async (t) => {
  const cases: { url: string; headers: Headers }[] = [
    { url: path('I'), headers: {} },
    { url: `${path('I')}?start=10&end=20`, headers: {} },
    { url: `${path('NC')}?start=5380&end=25`, headers: {} },
    { url: path('VI'), headers: { range: 'bytes=10-19' } },
    { url: path('NC'), headers: { accept: 'text/x-fasta' } },
  ];
  const seen = new Set<string>();
  for (const c of cases) {
    const first = await get(circularApp, c.url, c.headers);
    t.ok(first.statusCode === 200 || first.statusCode === 206, `${c.url} ok`);
    const etag = String(first.headers.etag);
    t.match(etag, /^"[^"]+"$/, `${c.url}: strong etag`);
    t.equal(first.headers['cache-control'], IMMUTABLE, `${c.url}: cache-control`);
    seen.add(etag);
    // The same request gives the same ETag; any id form of the same sequence too.
    t.equal((await get(circularApp, c.url, c.headers)).headers.etag, etag, `${c.url}: stable etag`);

    for (const inm of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
      const res = await get(circularApp, c.url, { ...c.headers, 'if-none-match': inm });
      t.equal(res.statusCode, 304, `${c.url} If-None-Match: ${inm} → 304`);
      t.equal(res.rawPayload.length, 0, `${c.url}: 304 has no body`);
      t.equal(res.headers.etag, etag, `${c.url}: 304 repeats the etag`);
      t.equal(res.headers['cache-control'], IMMUTABLE, `${c.url}: 304 repeats cache-control`);
      t.notOk(res.headers['content-range'], `${c.url}: 304 has no content-range`);
      t.notOk(res.headers['content-encoding']);
    }
    const miss = await get(circularApp, c.url, { ...c.headers, 'if-none-match': '"something-else"' });
    t.equal(miss.statusCode, first.statusCode, `${c.url}: non-matching If-None-Match → full response`);
    t.equal(miss.body, first.body);
  }
  t.equal(seen.size, cases.length, 'every case has its own ETag');
  // RFC 9110 §15.3.7 / §13.2.2: a 206 carries the ETag of the selected representation (what a
  // 200 to the same URL would carry), and If-None-Match is evaluated before Range.
  const whole = await get(circularApp, path('I'));
  const part = await get(circularApp, path('I'), { range: 'bytes=10-19' });
  t.equal(part.statusCode, 206);
  t.equal(part.headers.etag, whole.headers.etag, '206 carries the ETag of the whole representation');
  const revalidated = await get(circularApp, path('I'), { range: 'bytes=10-19', 'if-none-match': String(whole.headers.etag) });
  t.equal(revalidated.statusCode, 304, 'If-None-Match with the representation ETag + Range → 304');
  t.notOk(revalidated.headers['content-range'], '304 has no content-range');
  // start/end selects a different representation (a different URL, a different body).
  t.not(
    (await get(circularApp, `${path('I')}?start=0&end=10`)).headers.etag,
    whole.headers.etag,
    'start/end ETag differs from the whole',
  );
  // The ETag identifies the sequence, not the spelling of its id.
  const byMd5 = await get(circularApp, path('VI'));
  const byAlias = await get(circularApp, path('VI', 'insdc:CP036473.1'));
  t.equal(byAlias.headers.etag, byMd5.headers.etag, 'same ETag whatever the id form');
  t.equal(
    (await get(circularApp, path('VI', ids('VI').ga4gh), { 'if-none-match': String(byMd5.headers.etag) })).statusCode,
    304,
    'ETag from the md5 URL validates the SQ. URL',
  );
  // Different sequences never share an ETag.
  t.not((await get(circularApp, path('I'))).headers.etag, byMd5.headers.etag);
});

t.test('HEAD: same status and headers as GET, no body', async (t) => {
  const cases: { url: string; headers: Headers }[] = [
    { url: path('I'), headers: {} },
    { url: `${path('I')}?start=10&end=20`, headers: {} },
    { url: `${path('NC')}?start=5380&end=25`, headers: {} },
    { url: path('I'), headers: { range: 'bytes=10-999999' } },
    { url: path('NC'), headers: { accept: 'text/x-fasta' } },
    { url: `${path('I')}?start=10&end=10`, headers: {} },
  ];
  const compared = [
    'content-type',
    'content-length',
    'accept-ranges',
    'content-range',
    'etag',
    'cache-control',
    'access-control-allow-origin',
  ];
  for (const c of cases) {
    const g = await get(circularApp, c.url, c.headers);
    const h = await circularApp.inject({ method: 'HEAD', url: c.url, headers: c.headers });
    t.equal(h.statusCode, g.statusCode, `HEAD ${c.url}: status`);
    for (const name of compared) t.equal(h.headers[name], g.headers[name], `HEAD ${c.url}: ${name}`);
    t.equal(h.rawPayload.length, 0, `HEAD ${c.url}: no body`);
  }
  // HEAD errors keep their status and headers and send no body.
  const notFound = await circularApp.inject({ method: 'HEAD', url: '/sequence/Garbagechecksum' });
  t.equal(notFound.statusCode, 404, 'HEAD unknown id → 404');
  t.equal(notFound.rawPayload.length, 0, 'HEAD 404: no body');
  const unsat = await circularApp.inject({ method: 'HEAD', url: path('NC'), headers: { range: 'bytes=9999-99999' } });
  t.equal(unsat.statusCode, 416, 'HEAD 416');
  t.equal(unsat.headers['content-range'], `bytes */${NC_LEN}`, 'HEAD 416 content-range');
  t.equal(unsat.rawPayload.length, 0, 'HEAD 416: no body');
  const h304 = await circularApp.inject({ method: 'HEAD', url: path('I'), headers: { 'if-none-match': '*' } });
  t.equal(h304.statusCode, 304, 'HEAD If-None-Match → 304');
});

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
  const head = await extraApp.inject({ method: 'HEAD', url: id });
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
