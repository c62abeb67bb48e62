// HTTP fuzzing of a real `refget serve` on 127.0.0.1. Requests are generated with fast-check
// (seeded: the seed and batch reproduce every request) from near-valid and random ids,
// percent-encoding, overlong paths, start/end/Range/Accept combinations, repeated parameters,
// odd methods, huge headers and raw malformed HTTP. Each answer's status must be one the spec
// notes allow for that input (an oracle written from spec §2, not from the server's code), never
// 5xx; the server must stay up with flat memory.
import { connect } from 'node:net';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import Database from 'better-sqlite3';
import { loadSampleIfEmpty } from '../../../src/cli/sample.js';
import { httpGet, makeTempDir, mapLimit, procStatusKb, runCli, startServerChild, type ServerChild } from './common.js';

// ---- what the store holds (read from its index, the oracle's ground truth) -----------------

interface Seq {
  md5: string;
  ga4gh: string;
  length: number;
  circular: boolean;
}
interface Truth {
  seqs: Seq[];
  aliases: Map<string, number[]>;
}

function readTruth(store: string): Truth {
  const db = new Database(join(store, 'index.sqlite3'), { readonly: true });
  try {
    const seqs = db.prepare('SELECT id, md5, ga4gh, length, circular FROM sequences ORDER BY id').all() as {
      id: number;
      md5: string;
      ga4gh: string;
      length: number;
      circular: number;
    }[];
    const index = new Map(seqs.map((s, i) => [s.id, i]));
    const aliases = new Map<string, number[]>();
    for (const a of db.prepare('SELECT naming_authority AS na, alias, sequence_id AS sid FROM aliases').all() as {
      na: string;
      alias: string;
      sid: number;
    }[]) {
      const key = `${a.na}:${a.alias}`;
      aliases.set(key, [...(aliases.get(key) ?? []), index.get(a.sid)!]);
    }
    return { seqs: seqs.map((s) => ({ md5: s.md5, ga4gh: s.ga4gh, length: s.length, circular: s.circular === 1 })), aliases };
  } finally {
    db.close();
  }
}

const trunc512 = (ga4gh: string): string => Buffer.from(ga4gh, 'base64url').toString('hex');

// ---- the oracle: spec §2.2-2.7 ---------------------------------------------------------------

/** §2.7: which stored sequences an id names (0, 1, or several for an alias). */
function resolveId(id: string, truth: Truth): number[] {
  const byMd5 = (h: string): number[] => truth.seqs.flatMap((s, i) => (s.md5 === h.toLowerCase() ? [i] : []));
  const byGa4gh = (d: string): number[] => truth.seqs.flatMap((s, i) => (s.ga4gh === d ? [i] : []));
  const hex = (s: string, n: number): boolean => new RegExp(`^[0-9a-fA-F]{${n}}$`).test(s);
  const ga4ghOk = (s: string): boolean => /^SQ\.[A-Za-z0-9_-]{32}$/.test(s);
  const colon = id.indexOf(':');
  if (colon >= 0) {
    const prefix = id.slice(0, colon).toLowerCase();
    const rest = id.slice(colon + 1);
    if (prefix === 'md5') return hex(rest, 32) ? byMd5(rest) : [];
    if (prefix === 'trunc512') return hex(rest, 48) ? byGa4gh(Buffer.from(rest, 'hex').toString('base64url')) : [];
    if (prefix === 'ga4gh') return ga4ghOk(rest) ? byGa4gh(rest.slice(3)) : [];
    if (prefix === '' || rest === '') return [];
    return truth.aliases.get(`${prefix}:${rest}`) ?? [];
  }
  if (id.startsWith('SQ.')) return ga4ghOk(id) ? byGa4gh(id.slice(3)) : [];
  if (hex(id, 32)) return byMd5(id);
  if (hex(id, 48)) return byGa4gh(Buffer.from(id, 'hex').toString('base64url'));
  return [];
}

type AcceptClass = 'default' | 'plain' | 'json' | 'fasta' | 'none';
/** Accept values with what each endpoint kind must do with them (§2.2). */
const ACCEPTS: readonly { value: string; seq: boolean; json: boolean }[] = [
  { value: '*/*', seq: true, json: true },
  { value: 'text/plain', seq: true, json: false },
  { value: 'text/plain; charset=us-ascii', seq: true, json: false },
  { value: 'text/vnd.ga4gh.refget.v1.0.0+plain', seq: true, json: false },
  { value: 'text/vnd.ga4gh.refget.v1.0.1+plain', seq: true, json: false },
  { value: 'text/vnd.ga4gh.refget.v2.0.0+plain', seq: true, json: false },
  { value: 'text/vnd.ga4gh.refget.v1.0.0+plain,text/vnd.ga4gh.refget.v2.0.0+plain', seq: true, json: false },
  { value: 'text/*', seq: true, json: false },
  { value: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', seq: true, json: true },
  { value: 'text/x-fasta', seq: true, json: false },
  { value: 'application/json', seq: false, json: true },
  { value: 'application/vnd.ga4gh.refget.v2.0.0+json', seq: false, json: true },
  { value: 'application/vnd.ga4gh.refget.v1.0.0+json,application/vnd.ga4gh.refget.v2.0.0+json', seq: false, json: true },
  { value: 'application/*', seq: false, json: true },
  { value: 'embl/some_json', seq: false, json: false },
  { value: 'text/html', seq: false, json: false },
  { value: 'image/png, audio/*', seq: false, json: false },
  { value: 'text/plain;q=0', seq: false, json: false },
  { value: 'text/plain;q=0, */*', seq: false, json: true },
  { value: '*/*;q=0', seq: false, json: false },
];
const DEFAULT_ACCEPTS = ['', ' ', ',', ' , ,'];

interface FuzzRequest {
  /** 'http': through node:http (valid HTTP); 'raw': bytes on a socket (may be malformed HTTP) */
  mode: 'http' | 'raw';
  method: string;
  path: string;
  headers: Record<string, string>;
  raw?: string;
  /** the statuses the oracle allows */
  allowed: number[];
  label: string;
}

interface Interval {
  start?: string[] | undefined;
  end?: string[] | undefined;
  range?: string | undefined;
}

/** §2.4.5 steps 4-7 for a found sequence; returns the status. */
function intervalStatus(q: Interval, seq: Seq, circularSupported: boolean, limit: number | null): number {
  const L = seq.length;
  const has = q.start !== undefined || q.end !== undefined;
  if (q.range !== undefined && has) return 400;
  const over = (n: number): boolean => limit !== null && n > limit;
  if (q.range !== undefined) {
    // One range (RFC 9110 §14.1.2): first-last, first- (to the end) or -n (the last n bytes).
    const m = /^bytes=(?:([0-9]+)-([0-9]*)|-([0-9]+))$/i.exec(q.range.trim());
    if (!m) return 400;
    const suffix = m[3] === undefined ? undefined : Number(m[3]);
    if (suffix === 0) return 416;
    const first = suffix === undefined ? Number(m[1]) : Math.max(0, L - suffix);
    const last = suffix !== undefined || m[2] === '' ? L - 1 : Number(m[2]);
    if (first >= L || first > last) return 416;
    return over(Math.min(last, L - 1) + 1 - first) ? 416 : 206;
  }
  if (!has) return 200;
  const parse = (v: string[] | undefined): number | undefined | 'bad' => {
    if (v === undefined) return undefined;
    if (v.length !== 1 || !/^[0-9]+$/.test(v[0]!) || Number(v[0]) > 4294967295) return 'bad';
    return Number(v[0]);
  };
  const s = parse(q.start);
  const e = parse(q.end);
  if (s === 'bad' || e === 'bad') return 400;
  if (s !== undefined && s > L) return 400;
  const from = s ?? 0;
  const to = e ?? L;
  if (L > 0 && from >= L) return 416;
  if (to > L) return 416;
  if (from > to) {
    if (!circularSupported) return 501;
    if (!seq.circular) return 416;
    return over(L - from + to) ? 416 : 200;
  }
  return over(to - from) ? 416 : 200;
}

// ---- generators ---------------------------------------------------------------------------

const pctAll = (s: string): string =>
  Array.from(Buffer.from(s, 'utf8'))
    .map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('');
const encodePath = (s: string): string => encodeURIComponent(s);

function idArb(truth: Truth): fc.Arbitrary<string> {
  const seqIdx = fc.integer({ min: 0, max: truth.seqs.length - 1 });
  const aliasKeys = [...truth.aliases.keys()];
  const valid = fc.oneof(
    seqIdx.map((i) => truth.seqs[i]!.md5),
    seqIdx.map((i) => truth.seqs[i]!.md5.toUpperCase()),
    seqIdx.map((i) => `md5:${truth.seqs[i]!.md5}`),
    seqIdx.map((i) => `MD5:${truth.seqs[i]!.md5}`),
    seqIdx.map((i) => `SQ.${truth.seqs[i]!.ga4gh}`),
    seqIdx.map((i) => `ga4gh:SQ.${truth.seqs[i]!.ga4gh}`),
    seqIdx.map((i) => trunc512(truth.seqs[i]!.ga4gh)),
    seqIdx.map((i) => `trunc512:${trunc512(truth.seqs[i]!.ga4gh).toUpperCase()}`),
    fc.constantFrom(...aliasKeys),
    fc.constantFrom(...aliasKeys).map((k) => k.toUpperCase().replace(/:.*/, '') + k.slice(k.indexOf(':'))),
  );
  const mutate = fc
    .tuple(valid, fc.nat(), fc.constantFrom('flip', 'drop', 'add', 'swap', 'lowersq', 'case'))
    .map(([id, n, how]) => {
      const i = n % id.length;
      switch (how) {
        case 'flip':
          return id.slice(0, i) + (id[i] === 'a' ? 'b' : 'a') + id.slice(i + 1);
        case 'drop':
          return id.slice(0, i) + id.slice(i + 1);
        case 'add':
          return `${id.slice(0, i)}0${id.slice(i)}`;
        case 'swap':
          return id.split('').reverse().join('');
        case 'lowersq':
          return id.replace('SQ.', 'sq.');
        default:
          return id.replace(/[A-Za-z]/g, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()));
      }
    });
  const random = fc.oneof(
    fc.string({ minLength: 1, maxLength: 60 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
    fc.stringMatching(/^[0-9a-f]{31,49}$/),
    fc.stringMatching(/^SQ\.[A-Za-z0-9_-]{30,34}$/),
    fc.stringMatching(/^[a-z]{1,8}:[A-Za-z0-9._-]{1,20}$/),
    fc.constantFrom(
      'Garbagechecksum',
      'some1111garbage1111ID',
      ':',
      'md5:',
      ':x',
      'ga4gh:',
      'ga4gh:SQ.',
      '..',
      '.',
      'null',
      'undefined',
      '%',
      '__proto__',
      'constructor',
    ),
    fc.integer({ min: 2049, max: 6000 }).map((n) => 'a'.repeat(n)),
  );
  return fc.oneof({ weight: 4, arbitrary: valid }, { weight: 3, arbitrary: mutate }, { weight: 3, arbitrary: random });
}

const numArb = (L: number): fc.Arbitrary<string> =>
  fc.oneof(
    fc.integer({ min: 0, max: L + 2 }).map(String),
    fc.constantFrom(String(L - 1), String(L), String(L + 1), '0', '1', '4294967295', '4294967296', '99999999999999999999'),
    fc.constantFrom('-1', '+1', '1.0', '0x10', '', ' 1', 'abc', '１', '1e3', 'NaN', 'Infinity', '00012'),
  );
const rangeArb = (L: number): fc.Arbitrary<string> =>
  fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: L + 2 }), fc.integer({ min: 0, max: L + 2 })).map(([a, b]) => `bytes=${a}-${b}`),
    fc
      .tuple(fc.integer({ min: 0, max: L + 2 }), fc.integer({ min: 0, max: 1e9 }))
      .map(([a, b]) => `bytes=${Math.min(a, b)}-${Math.max(a, b)}`),
    fc.constantFrom(`bytes=0-${L - 1}`, `bytes=${L - 1}-${L - 1}`, `bytes=${L}-${L}`, 'bytes=0-0', 'BYTES=1-2', ' bytes=1-2 '),
    fc.constantFrom(`bytes=${L - 1}-`, `bytes=${L}-`, `bytes=-${L}`, `bytes=-${L + 5}`, 'bytes=-1', 'bytes=-0', 'bytes=0-'),
    fc.constantFrom(
      'units=20-30',
      'bytes=ab-19',
      'bytes=-10--19',
      'bytes=10--19',
      'bytes=-10-',
      'bytes==10-19',
      'bytes=10-',
      'bytes=-10',
      'bytes=0-1,5-6',
      'bytes=',
      'bytes=1-2;',
      'bytes=99999999999999999999-1',
    ),
    fc.string({ maxLength: 30 }).filter((s) => !/[\r\n\0]/.test(s)),
  );

/** One request from the generated parameters, with its allowed statuses. */
function buildRequestCore(
  truth: Truth,
  server: { circular: boolean; limit: number | null },
  p: {
    kind: number;
    id: string;
    encode: number;
    trailing: boolean;
    method: string;
    start: string[] | undefined;
    end: string[] | undefined;
    range: string | undefined;
    accept: string | undefined;
    acceptIdx: number;
    acceptMode: number;
    acceptParam: string[] | undefined;
    inm: boolean;
    pad: number;
    junkHeaders: number;
    rawKind: number;
  },
): FuzzRequest {
  const headers: Record<string, string> = {};
  const qs: string[] = [];
  // Accept: absent, a listed value, a default-equivalent, or random junk (no '/', so it names nothing)
  let accept: string | undefined;
  if (p.acceptMode === 1) accept = ACCEPTS[p.acceptIdx % ACCEPTS.length]!.value;
  else if (p.acceptMode === 2) accept = DEFAULT_ACCEPTS[p.acceptIdx % DEFAULT_ACCEPTS.length]!;
  else if (p.acceptMode === 3 && p.accept !== undefined) accept = p.accept.replace(/[/\r\n\0]/g, '') || 'x';
  if (accept !== undefined) headers.accept = accept;
  const acceptParam = p.acceptParam;
  for (const v of acceptParam ?? []) qs.push(`accept=${encodeURIComponent(v)}`);
  const effectiveAccept = acceptParam !== undefined && acceptParam.length === 1 ? acceptParam[0] : accept;
  const acceptClass = (json: boolean): AcceptClass => {
    if (effectiveAccept === undefined || effectiveAccept.split(',').every((x) => x.trim() === '')) return 'default';
    const listed = ACCEPTS.find((a) => a.value === effectiveAccept);
    if (listed)
      return (json ? listed.json : listed.seq)
        ? json
          ? 'json'
          : effectiveAccept === 'text/x-fasta'
            ? 'fasta'
            : 'plain'
        : 'none';
    return 'none';
  };
  const encNum = (v: string, i: number): string => (i % 5 === 0 ? pctAll(v) : encodeURIComponent(v));
  for (const v of p.start ?? []) qs.push(`start=${encNum(v, p.encode)}`);
  for (const v of p.end ?? []) qs.push(`end=${encNum(v, p.encode + 1)}`);
  if (p.range !== undefined) headers.range = p.range;
  if (p.inm) headers['if-none-match'] = p.encode % 2 ? '*' : '"nope"';
  if (p.pad > 0) headers['x-pad'] = 'p'.repeat(p.pad);
  for (let i = 0; i < p.junkHeaders; i++) headers[`x-junk-${i}`] = `v${i}`;
  const headerBytes = Object.entries(headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);

  const idPath = p.encode % 4 === 0 ? pctAll(p.id) : encodePath(p.id);
  const query = qs.length ? `?${qs.join('&')}` : '';
  const kinds = ['seq', 'seq', 'seq', 'seq', 'meta', 'info', 'other'] as const;
  const kind = kinds[p.kind % kinds.length]!;
  let path: string;
  if (kind === 'seq') path = `/sequence/${idPath}${p.trailing ? '/' : ''}${query}`;
  else if (kind === 'meta') path = `/sequence/${idPath}/metadata${p.trailing ? '/' : ''}${query}`;
  else if (kind === 'info') path = `${p.trailing ? '/sequence' : ''}/service-info${query}`;
  else
    path = [
      '/',
      '/sequence',
      '/sequence/',
      `/collection/${idPath}`,
      `/comparison/${idPath}/${idPath}`,
      `/list/collection?page=${encodeURIComponent(p.start?.[0] ?? '')}`,
      `/attribute/collection/names/${idPath}`,
      '/openapi.json',
      `/${idPath}`,
      '/docs/',
    ][p.encode % 10]!;

  const label = `${p.method} ${kind}`;
  // Raw, possibly malformed HTTP on its own connection.
  if (p.rawKind > 0) {
    const raws: [string, number[]][] = [
      ['GARBAGE\r\n\r\n', [400]],
      [`GET ${path} HTTP/1.1\r\n\r\n`, [400]], // no Host
      [`GET ${path} HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n`, [400]],
      [`GET ${path} HTTP/9.9\r\nHost: x\r\n\r\n`, [400, 505]],
      [`GET /sequence/a b HTTP/1.1\r\nHost: x\r\n\r\n`, [400]],
      [`GET ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, [400]],
      [`GET ${path} HTTP/1.1\r\nHost: x\r\nX-A: ${'h'.repeat(20_000)}\r\n\r\n`, [431]],
      [`GET /${'x'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, [431, 414]],
      [`G\0T / HTTP/1.1\r\nHost: x\r\n\r\n`, [400]],
      [`GET /sequence/%ZZ HTTP/1.1\r\nHost: x\r\n\r\n`, [400]],
      [`GET /sequence/%E0%A4 HTTP/1.1\r\nHost: x\r\n\r\n`, [400, 404]],
    ];
    const [raw, allowed] = raws[(p.rawKind - 1) % raws.length]!;
    return { mode: 'raw', method: 'RAW', path, headers: {}, raw, allowed, label: `raw ${(p.rawKind - 1) % raws.length}` };
  }
  // Node refuses a request line + headers over 16 KiB (431); near that size the exact count
  // (Host, Connection, …) decides, so both answers are allowed there.
  const size = headerBytes + path.length;
  if (size > 17_500) {
    // Sent raw: the 431 comes before the method is known, so it has a body even for HEAD.
    const raw = `${p.method} ${path} HTTP/1.1\r\nHost: x\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}\r\n`;
    return { mode: 'raw', method: p.method, path, headers, raw, allowed: [431], label: `${label} huge-headers` };
  }
  const isGetLike = p.method === 'GET' || p.method === 'HEAD';
  if (!isGetLike) {
    // refget defines only GET (and HEAD): any other method is refused, never a server error.
    const allowed = p.method === 'OPTIONS' ? [200, 204, 400, 404, 414] : [400, 404, 405, 413, 414, 415];
    return { mode: 'http', method: p.method, path, headers, allowed, label };
  }
  if (kind === 'other')
    return {
      mode: 'http',
      method: p.method,
      path,
      headers,
      allowed: [200, 206, 300, 301, 302, 304, 400, 404, 406, 414, 416],
      label,
    };
  if (kind === 'info') {
    const ac = acceptClass(true);
    return {
      mode: 'http',
      method: p.method,
      path,
      headers,
      allowed: acceptParam !== undefined && acceptParam.length > 1 ? [400] : [ac === 'none' ? 406 : 200],
      label,
    };
  }
  if (p.id.length > 2048) return { mode: 'http', method: p.method, path, headers, allowed: [414], label: `${label} overlong-id` };
  // Documented deviation: a repeated start/end/accept parameter fails the route's schema (400)
  // before the id is resolved, where §2.4.5 would give 404/300/406 first.
  const repeated = (acceptParam?.length ?? 0) > 1 || (kind === 'seq' && ((p.start?.length ?? 0) > 1 || (p.end?.length ?? 0) > 1));
  const withRepeated = (allowed: number[]): number[] => (repeated ? [...allowed, 400] : allowed);
  const found = resolveId(p.id, truth);
  if (found.length === 0)
    return { mode: 'http', method: p.method, path, headers, allowed: withRepeated([404]), label: `${label} unknown-id` };
  if (found.length > 1)
    return { mode: 'http', method: p.method, path, headers, allowed: withRepeated([300]), label: `${label} ambiguous` };
  const seq = truth.seqs[found[0]!]!;
  if (kind === 'meta')
    return {
      mode: 'http',
      method: p.method,
      path,
      headers,
      allowed: withRepeated([acceptClass(true) === 'none' ? 406 : 200]),
      label,
    };
  if (acceptClass(false) === 'none')
    return { mode: 'http', method: p.method, path, headers, allowed: withRepeated([406]), label: `${label} not-acceptable` };
  let status = intervalStatus({ start: p.start, end: p.end, range: p.range }, seq, server.circular, server.limit);
  if ((status === 200 || status === 206) && p.inm && p.encode % 2 === 1) status = 304;
  return { mode: 'http', method: p.method, path, headers, allowed: withRepeated([status]), label: `${label} ${status}` };
}

type Params = Parameters<typeof buildRequestCore>[2];

/** Near the 16 KiB header limit (the exact count includes Host, Connection…) 431 is right too. */
function buildRequest(truth: Truth, server: { circular: boolean; limit: number | null }, p: Params): FuzzRequest {
  const r = buildRequestCore(truth, server, p);
  const allow431 = (x: FuzzRequest): FuzzRequest => (x.allowed.includes(431) ? x : { ...x, allowed: [...x.allowed, 431] });
  if (r.mode === 'raw') return r.raw!.length > 15_500 ? allow431(r) : r;
  const size = r.path.length + Object.entries(r.headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
  if (size <= 15_500) return r;
  // Sent raw: a 431 comes before the method is known, so it carries a body even for HEAD,
  // which an HTTP client would misread.
  const raw = `${r.method} ${r.path} HTTP/1.1\r\nHost: x\r\n${Object.entries(r.headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
  return allow431({ ...r, mode: 'raw', raw });
}

function requestArb(truth: Truth, server: { circular: boolean; limit: number | null }): fc.Arbitrary<FuzzRequest> {
  // Arbitraries are built once per sequence length (building them per sample is slow).
  const id = idArb(truth);
  const byLength = new Map<number, fc.Arbitrary<Params>>();
  for (const len of new Set(truth.seqs.map((s) => s.length))) byLength.set(len, paramsArb(id, len));
  return fc
    .constantFrom(...byLength.keys())
    .chain((len) => byLength.get(len)!)
    .map((p) => buildRequest(truth, server, p));
}

function paramsArb(id: fc.Arbitrary<string>, len: number): fc.Arbitrary<Params> {
  return fc.record({
    kind: fc.nat(),
    id,
    encode: fc.nat(),
    trailing: fc.boolean(),
    method: fc.oneof(
      { weight: 14, arbitrary: fc.constant('GET') },
      { weight: 3, arbitrary: fc.constant('HEAD') },
      { weight: 3, arbitrary: fc.constantFrom('POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND') },
    ),
    start: fc.option(
      fc.oneof(
        { weight: 5, arbitrary: numArb(len).map((v) => [v]) },
        { weight: 1, arbitrary: fc.array(numArb(len), { minLength: 2, maxLength: 3 }) },
      ),
      { freq: 2, nil: undefined },
    ),
    end: fc.option(
      fc.oneof(
        { weight: 5, arbitrary: numArb(len).map((v) => [v]) },
        { weight: 1, arbitrary: fc.array(numArb(len), { minLength: 2, maxLength: 3 }) },
      ),
      { freq: 2, nil: undefined },
    ),
    range: fc.option(rangeArb(len), { freq: 3, nil: undefined }),
    accept: fc.option(
      fc.string({ maxLength: 40 }).filter((s) => !/[\r\n\0]/.test(s) && /^[\x20-\x7e]*$/.test(s)),
      { nil: undefined },
    ),
    acceptIdx: fc.nat(),
    acceptMode: fc.integer({ min: 0, max: 4 }),
    acceptParam: fc.option(fc.array(fc.constantFrom(...ACCEPTS.map((a) => a.value)), { minLength: 1, maxLength: 2 }), {
      freq: 8,
      nil: undefined,
    }),
    inm: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    pad: fc.oneof(
      { weight: 30, arbitrary: fc.constant(0) },
      { weight: 2, arbitrary: fc.integer({ min: 100, max: 4000 }) },
      { weight: 1, arbitrary: fc.integer({ min: 20_000, max: 40_000 }) },
    ),
    junkHeaders: fc.oneof({ weight: 20, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 90 }) }),
    rawKind: fc.oneof({ weight: 30, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 11 }) }),
  });
}

// ---- sending ------------------------------------------------------------------------------

let lastTransportError = '';

function sendHttp(port: number, agent: Agent, r: FuzzRequest): Promise<number> {
  return new Promise((resolve) => {
    let req;
    try {
      req = request(
        { host: '127.0.0.1', port, method: r.method, path: r.path, headers: r.headers, agent, timeout: 20_000 },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', () => resolve(-2));
        },
      );
    } catch {
      resolve(-3); // node:http refused to send it (an invalid path or header): not the server's doing
      return;
    }
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => {
      lastTransportError = err.message;
      resolve(-1);
    });
    req.end();
  });
}

function sendRaw(port: number, raw: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    const done = (status: number): void => {
      socket.destroy();
      resolve(status);
    };
    socket.setTimeout(20_000, () => done(-1));
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(got);
      if (m) done(Number(m[1]));
    });
    socket.on('error', () => done(-1));
    socket.on('close', () => done(got === '' ? -1 : 0));
    socket.write(raw, 'latin1');
  });
}

// ---- the experiment -------------------------------------------------------------------------

export interface FuzzFigures {
  seed: number;
  requests: number;
  perServer: Record<string, number>;
  statuses: Record<string, number>;
  /** 5xx answers other than the 501 the spec requires (start > end without circular support) */
  fiveHundreds: number;
  spec501: number;
  mismatches: number;
  transportErrors: number;
  notSent: number;
  serverUp: boolean;
  rssMb: { afterWarmup: number; peak: number; end: number; growthAfterWarmup: number };
  requestsPerSecond: number;
  slowest: { ms: number; what: string };
  examples: string[];
}

export async function buildFuzzStore(dir: string): Promise<string> {
  const store = join(dir, 'store');
  await loadSampleIfEmpty(store);
  // An alias naming two sequences (answers 300) and one more authority.
  writeFileSync(join(dir, 'dup.fa'), '>x1\nGATTACAGATTACA\n>x2\nCCCCGGGGAAAATTTT\n');
  writeFileSync(join(dir, 'dup.tsv'), 'x1\tlab\tdup\nx2\tlab\tdup\nx1\tlab\tone\n');
  const r = await runCli(['ingest', '--store', store, '--aliases', join(dir, 'dup.tsv'), join(dir, 'dup.fa')]);
  if (r.code !== 0) throw new Error(`fuzz store: ${r.stderr}`);
  return store;
}

export async function runHttpFuzz(opts: {
  seed: number;
  requests: number;
  concurrency?: number;
  log?: (m: string) => void;
}): Promise<FuzzFigures> {
  const log = opts.log ?? (() => undefined);
  const tmp = makeTempDir('refget-fuzz-');
  const servers: ServerChild[] = [];
  const agents: Agent[] = [];
  try {
    const store = await buildFuzzStore(tmp.dir);
    const truth = readTruth(store);
    const configs = [
      { name: 'circular, no limit', flags: [], circular: true, limit: null },
      {
        name: 'no circular, limit 100000',
        flags: ['--no-circular-supported', '--subsequence-limit', '100000'],
        circular: false,
        limit: 100_000,
      },
    ];
    for (const c of configs) servers.push(await startServerChild(store, c.flags));
    for (const _ of configs) agents.push(new Agent({ keepAlive: true, maxSockets: opts.concurrency ?? 16 }));
    const statuses: Record<string, number> = {};
    const perServer: Record<string, number> = {};
    const examples: string[] = [];
    let fiveHundreds = 0;
    let spec501 = 0;
    let mismatches = 0;
    let transportErrors = 0;
    let notSent = 0;
    let slowest = { ms: 0, what: '' };
    const rss: number[][] = configs.map(() => []);
    const batch = 1000;
    const began = Date.now();
    for (let b = 0; b * batch < opts.requests; b++) {
      const n = Math.min(batch, opts.requests - b * batch);
      const si = b % configs.length;
      const server = servers[si]!;
      const reqs = fc.sample(requestArb(truth, configs[si]!), { seed: opts.seed + b, numRuns: n });
      // A fresh pool per batch: the other server's batch may have left this pool's sockets idle
      // past the server's keep-alive timeout, and reusing those would be the client's fault.
      agents[si]!.destroy();
      agents[si] = new Agent({ keepAlive: true, maxSockets: opts.concurrency ?? 16 });
      await mapLimit(reqs, opts.concurrency ?? 16, async (r, i) => {
        const t0 = Date.now();
        const status = r.mode === 'raw' ? await sendRaw(server.port, r.raw!) : await sendHttp(server.port, agents[si]!, r);
        const ms = Date.now() - t0;
        if (ms > slowest.ms)
          slowest = {
            ms,
            what: `${status} ${r.label} ${r.method} ${r.path.slice(0, 120)}${r.raw ? ` raw=${JSON.stringify(r.raw.slice(0, 60))}` : ''}`,
          };
        statuses[status] = (statuses[status] ?? 0) + 1;
        perServer[configs[si]!.name] = (perServer[configs[si]!.name] ?? 0) + 1;
        if (status === -3) {
          notSent++;
          return;
        }
        if (status <= 0) {
          transportErrors++;
          if (examples.length < 30)
            examples.push(
              `transport error (${lastTransportError}): seed ${opts.seed + b} #${i} ${r.method} ${r.path.slice(0, 200)} ${JSON.stringify(r.headers).slice(0, 200)}`,
            );
          return;
        }
        if (status >= 500) {
          // 501 is what spec §2.3 requires for start > end on a server without circular support.
          if (status === 501 && r.allowed.includes(501)) spec501++;
          else {
            fiveHundreds++;
            if (examples.length < 30)
              examples.unshift(
                `5xx ${status}: seed ${opts.seed + b} #${i} ${r.method} ${r.path.slice(0, 300)} ${JSON.stringify(r.headers).slice(0, 300)}`,
              );
          }
        }
        if (!r.allowed.includes(status)) {
          mismatches++;
          if (examples.length < 30)
            examples.push(
              `${status} not in [${r.allowed}] (${r.label}) on '${configs[si]!.name}': seed ${opts.seed + b} #${i} ${r.method} ${r.path.slice(0, 200)} ${JSON.stringify(r.headers).slice(0, 300)}${r.raw ? ` raw=${JSON.stringify(r.raw.slice(0, 80))}` : ''}`,
            );
        }
      });
      rss[si]!.push(procStatusKb(server.pid, 'VmRSS') ?? 0);
      if ((b + 1) % 10 === 0)
        log(
          `${(b + 1) * batch} requests, rss ${rss.map((r) => Math.round((r.at(-1) ?? 0) / 1024)).join('/')} MB, mismatches ${mismatches}, 5xx ${fiveHundreds}`,
        );
    }
    const seconds = (Date.now() - began) / 1000;
    const alive = servers.every((s) => s.alive());
    const health = await Promise.all(
      servers.map((s) =>
        httpGet(s.port, '/healthz').then(
          (r) => r.status,
          () => 0,
        ),
      ),
    );
    // Memory of the first server (it took every other batch): after warm-up (a tenth), peak, end.
    const series = rss[0]!;
    const warm = series[Math.min(series.length - 1, Math.floor(series.length / 10))] ?? 0;
    const mb = (kb: number): number => Math.round(kb / 102.4) / 10;
    return {
      seed: opts.seed,
      requests: opts.requests,
      perServer,
      statuses,
      fiveHundreds,
      spec501,
      mismatches,
      transportErrors,
      notSent,
      serverUp: alive && health.every((h) => h === 200),
      rssMb: {
        afterWarmup: mb(warm),
        peak: mb(Math.max(...series)),
        end: mb(series.at(-1) ?? 0),
        growthAfterWarmup: mb((series.at(-1) ?? 0) - warm),
      },
      requestsPerSecond: Math.round(opts.requests / seconds),
      slowest,
      examples,
    };
  } finally {
    for (const a of agents) a.destroy();
    for (const s of servers) await s.stop();
    tmp.remove();
  }
}
