// The shared part of the GET /sequence/:id suite (test/http/sequence/*.test.ts, one file per
// spec section): expected values independent of the code under test, assertions, and the apps.
// Expected bytes come from the FASTA files in test/fixtures/refget and expected digests from
// expected-ids.json / the spec's test vectors.
//
// Requests go through app.inject, or, with REFGET_TEST_VIA=socket (sequence/real-sockets.test.ts
// runs every section so), over real sockets to the apps listening with the fast path on: the
// server production runs.
import t from 'tap';
import { readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../../src/config.js';
import { buildTestApp, sampleStore, FIXTURES, tempDir } from './sample-store.js';
import { runIngest } from '../../src/cli/ingest-command.js';
import { listenForSuite, send, VIA, type Res } from './http-client.js';
import {
  EXPECTED,
  NAMES,
  type ExpectedIds,
  type Name,
  type Test,
  REFGET_JSON_TYPE as JSON_TYPE,
  BROWSER_ACCEPT,
} from './refget-expected.js';

export { EXPECTED, NAMES, JSON_TYPE, BROWSER_ACCEPT, FIXTURES, tempDir, runIngest };
export type { ExpectedIds, Name, Test, Res };

const suiteApps: FastifyInstance[] = [];

/** An app over a store directory, listening on 127.0.0.1 when the suite runs over sockets. */
async function suiteApp(storeDir: string, overrides: Partial<ServerConfig>): Promise<FastifyInstance> {
  const app = await listenForSuite(await buildTestApp(t, storeDir, overrides));
  suiteApps.push(app);
  return app;
}

/**
 * The last test of each section file: over real sockets, the fast path must have answered part
 * of it (else the run checked Fastify's routes twice and the fast path not at all).
 */
export function endOfSection(): void {
  if (VIA !== 'socket') return;
  t.test('over real sockets, the fast path answered part of this section', async (t) => {
    const answered = suiteApps.reduce((n, app) => n + (app.fastPath?.answered ?? 0), 0);
    t.ok(answered > 0, `${answered} requests answered by the fast path`);
  });
}

export type Headers = Record<string, string>;

// ---------------------------------------------------------------------------------------------
// Expected values, independent of the code under test.

export const REFGET_DATA = join(FIXTURES, 'refget');
export const SEQ_TYPE = 'text/vnd.ga4gh.refget.v2.0.0+plain; charset=us-ascii';
export const FASTA_TYPE = 'text/x-fasta; charset=us-ascii';
export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const SUITE_SEQ_ACCEPT = 'text/vnd.ga4gh.refget.v1.0.0+plain,text/vnd.ga4gh.refget.v2.0.0+plain';
export const SUITE_RANGE_ACCEPT = 'text/vnd.ga4gh.refget.v1.0.0+plain';

/** The sequence of a single-record FASTA file, normalised as the spec says (§2.8). */
export function fastaSequence(file: string): string {
  const text = readFileSync(file, 'latin1');
  return text
    .split(/\r?\n/)
    .filter((l) => !l.startsWith('>'))
    .join('')
    .replace(/[^A-Za-z]/g, '')
    .toUpperCase();
}

export const SEQ = {
  I: fastaSequence(join(REFGET_DATA, 'I.faa')),
  VI: fastaSequence(join(REFGET_DATA, 'VI.faa')),
  NC: fastaSequence(join(REFGET_DATA, 'NC.faa')),
};

export const ids = (name: Name): ExpectedIds => EXPECTED[name];
export const I_LEN = 230218;
export const NC_LEN = 5386;

/** Every identifier form of spec §2.7 for one sequence; each must return the same body. */
export function idForms(name: Name): string[] {
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
export const swapCase = (s: string): string =>
  s.replace(/[A-Za-z]/g, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()));

// ---------------------------------------------------------------------------------------------
// Assertions.

export function get(app: FastifyInstance, url: string, headers: Headers = {}): Promise<Res> {
  return send(app, { method: 'GET', url, headers });
}

/** Compares long bodies without dumping 200 kB into the TAP output on failure. */
export function sameBody(t: Test, actual: string, expected: string, msg: string): void {
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

export interface SeqExpect {
  status: 200 | 206;
  body: string;
  /** Accept-Ranges value; 'none' for start/end. */
  acceptRanges: string;
  /** Content-Range for 206. */
  contentRange?: string;
  contentType?: string;
}

/** A successful sequence response: status, content-type, every required header, body. */
export function assertSequence(t: Test, res: Res, exp: SeqExpect, msg = ''): void {
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
export function assertError(t: Test, res: Res, status: number, code?: string, msg = ''): Record<string, unknown> {
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

export function assert416(t: Test, res: Res, length: number, msg = ''): void {
  assertError(t, res, 416, undefined, msg);
  t.equal(res.headers['content-range'], `bytes */${length}`, `${msg}: unsatisfied content-range`);
}

// ---------------------------------------------------------------------------------------------
// Fixtures.

export const storeDir = await sampleStore(t);
export const circularApp = await suiteApp(storeDir, { circularSupported: true });
export const linearApp = await suiteApp(storeDir, { circularSupported: false });
export const limitApp = await suiteApp(storeDir, { circularSupported: true, subsequenceLimit: 1000 });
export const MODES: readonly { label: string; app: FastifyInstance; circular: boolean }[] = [
  { label: 'circular_supported=true', app: circularApp, circular: true },
  { label: 'circular_supported=false', app: linearApp, circular: false },
];

export const path = (name: Name, id: string = ids(name).md5): string => `/sequence/${id}`;

// ---------------------------------------------------------------------------------------------
// An extra store: an ambiguous alias (300), normalisation, and sequences long enough to stream.

/** Deterministic pseudo-random bases (LCG), with lower-case and N runs mixed in. */
export function syntheticSequence(length: number, seed: number): string {
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
export function toFasta(name: string, seq: string, width = 70): string {
  const lines = [`>${name} synthetic`];
  for (let i = 0; i < seq.length; i += width) lines.push(seq.slice(i, i + width));
  return `${lines.join('\n')}\n`;
}

export const ACGT = {
  md5: 'f1f8f4bf413b16ad135722aa4591043e',
  ga4gh: 'SQ.aKF498dAxcJAqme6QYQ7EZ07-fiw8Kw2',
  trunc512: '68a178f7c740c5c240aa67ba41843b119d3bf9f8b0f0ac36',
};
export const NNNN = { md5: 'ef95bc05180af51bfd945e93b2bbba8e', ga4gh: 'SQ.OjvYcaDLJAbI_obSPKkxIKNHkBCXC2dM' };
export const BIG_LEN = 2_500_000; // > the 1 MiB buffer limit: exercises the block and streaming paths

async function makeExtra() {
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
}

let extraMade:
  Promise<{ extra: Awaited<ReturnType<typeof makeExtra>>; extraApp: FastifyInstance; corruptApp: FastifyInstance }> | undefined;

/** The extra store and its apps, made on first use (only some sections need them). */
export function extraApps(): NonNullable<typeof extraMade> {
  extraMade ??= (async () => {
    const extra = await makeExtra();
    return {
      extra,
      extraApp: await suiteApp(extra.store, { circularSupported: true }),
      corruptApp: await suiteApp(extra.corrupt, { circularSupported: true }),
    };
  })();
  return extraMade;
}
