// The discovery API through app.inject: /naming-authorities, /aliases, /collections,
// /collections/:ref/sequences in JSON, TSV and CSV, paging edges, filters, 404s, the batch
// metadata endpoint, and a FASTA range. Expected digests and lengths are computed here from the
// FASTA text with node:crypto (md5, sha512t24u) or read from the compliance fixtures, never from
// the code under test.
import t from 'tap';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { runIngest } from '../../src/cli/ingest-command.js';
import { buildTestApp, sampleStore, SAMPLE, FIXTURES, tempDir } from '../helpers/sample-store.js';
import type { Test } from '../helpers/refget-expected.js';

type Res = LightMyRequestResponse;

const JSON_LIST = 'application/json; charset=utf-8';
const TSV = 'text/tab-separated-values; charset=utf-8';
const CSV = 'text/csv; charset=utf-8';
const REFGET_JSON = 'application/vnd.ga4gh.refget.v2.0.0+json; charset=us-ascii';

// ---- independent expectations -------------------------------------------------------------------

interface Seq {
  name: string;
  seq: string;
  md5: string;
  ga4gh: string;
}

/** Records of a FASTA text, normalised as refget §2.8 says (letters only, upper case). */
function fastaRecords(text: string): Seq[] {
  return text
    .split('>')
    .slice(1)
    .map((chunk) => {
      const [header = '', ...lines] = chunk.split('\n');
      const seq = lines
        .join('')
        .replace(/[^A-Za-z]/g, '')
        .toUpperCase();
      return {
        name: header.split(/\s/)[0]!,
        seq,
        md5: createHash('md5').update(seq).digest('hex'),
        ga4gh: `SQ.${createHash('sha512').update(seq).digest().subarray(0, 24).toString('base64url')}`,
      };
    });
}

/** TSV as the listing writes it: LF lines, tab fields, \\ \t \n \r escapes. */
function parseTsv(body: string): string[][] {
  if (!body.endsWith('\n')) throw new Error('TSV must end with a newline');
  return body
    .slice(0, -1)
    .split('\n')
    .map((line) =>
      line
        .split('\t')
        .map((f) =>
          f.replace(
            /\\(.)/g,
            (_m, c: string) => (({ t: '\t', n: '\n', r: '\r', '\\': '\\' }) as Record<string, string>)[c] ?? `\\${c}`,
          ),
        ),
    );
}

/** RFC 4180 CSV (CRLF records, quoted fields with doubled quotes). */
function parseCsv(body: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && body[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0 || quoted) throw new Error('CSV must end with CRLF');
  return rows;
}

interface Listing<R> {
  total: number;
  limit: number;
  offset: number;
  results: R[];
  collection?: { digest: string; names: string[] };
}
interface AliasOut {
  alias: string;
  naming_authority: string;
  md5: string;
  ga4gh: string;
  length: number;
}
interface AuthorityOut {
  naming_authority: string;
  alias_count: number;
  loaded_at: string;
}
interface CollectionOut {
  digest: string;
  names: string[];
  sequence_count: number;
  total_length: number;
}
interface MemberOut {
  name: string;
  length: number;
  md5: string;
  ga4gh: string;
  circular: boolean;
  aliases: { alias: string; naming_authority: string }[];
}

const get = (app: FastifyInstance, url: string, headers: Record<string, string> = {}): Promise<Res> =>
  app.inject({ method: 'GET', url, headers });

function listing<R>(t: Test, res: Res, msg: string): Listing<R> {
  t.equal(res.statusCode, 200, `${msg}: 200`);
  t.equal(res.headers['content-type'], JSON_LIST, `${msg}: JSON content type`);
  const body = res.json() as Listing<R>;
  t.equal(res.headers['x-total-count'], String(body.total), `${msg}: X-Total-Count = total`);
  return body;
}

function assertError(t: Test, res: Res, status: number, code: string, msg: string, message?: RegExp): void {
  t.equal(res.statusCode, status, `${msg}: status ${status}`);
  t.equal(res.headers['content-type'], REFGET_JSON, `${msg}: error content type`);
  const body = res.json() as { error: string; message: string };
  t.equal(body.error, code, `${msg}: code ${code}`);
  t.ok(typeof body.message === 'string' && body.message.length > 0, `${msg}: has a message`);
  if (message) t.match(body.message, message, `${msg}: message`);
}

// ---- fixture: the bundled sample plus one named assembly with several authorities ------------

const EXTRA_FASTA = '>chrA first\nACGTACGTNN\nacgt\n>chrB\nacgtTTTT\n>chrM mito\nGATTACA\n';
const EXTRA = fastaRecords(EXTRA_FASTA);
const byName = (name: string): Seq => EXTRA.find((r) => r.name === name)!;
// name, authority, alias: includes an alias with a comma and quotes (CSV quoting), one with a
// backslash (TSV escaping), and lab:dup naming two sequences (ambiguous).
const EXTRA_ALIASES: [string, string, string][] = [
  ['chrA', 'refseq', 'NC_000001.11'],
  ['chrA', 'genbank', 'CM000663.2'],
  ['chrB', 'refseq', 'NC_000002.12'],
  ['chrB', 'lab', 'weird,"quoted"_alias'],
  ['chrM', 'lab', 'back\\slash'],
  ['chrA', 'lab', 'dup'],
  ['chrB', 'lab', 'dup'],
];

const SAMPLE_REFGET = Object.fromEntries(
  ['I', 'VI', 'NC'].map((n) => [n, fastaRecords(readFileSync(join(SAMPLE, `${n}.faa`), 'utf8'))[0]!]),
) as Record<'I' | 'VI' | 'NC', Seq>;
const INSDC: [Seq, string][] = [
  [SAMPLE_REFGET.I, 'BK006935.2'],
  [SAMPLE_REFGET.VI, 'CP036473.1'],
  [SAMPLE_REFGET.NC, 'NC_001422.1'],
];
const SEQCOL = JSON.parse(readFileSync(join(FIXTURES, 'seqcol/test_fasta/test_fasta_digests.json'), 'utf8')) as Record<
  string,
  { top_level_digest: string; level2: { lengths: number[] } }
>;

const dir = tempDir(t);
const storeDir = await sampleStore(t);
const sampleLoaded = Date.now();
writeFileSync(join(dir, 'extra.fa'), EXTRA_FASTA);
writeFileSync(join(dir, 'aliases.tsv'), EXTRA_ALIASES.map((r) => r.join('\t')).join('\n'));
const extraIngest = await runIngest([join(dir, 'extra.fa')], {
  store: storeDir,
  namingAuthority: 'UCSC',
  aliases: join(dir, 'aliases.tsv'),
  circular: ['chrM'],
  collectionName: 'TestAssembly',
});
const EXTRA_DIGEST = extraIngest.collections[0]!.digest;
const app = await buildTestApp(t, storeDir);

/** Every alias in the store, in the documented order (authority, alias, then sequence). */
const ALL_ALIASES: AliasOut[] = [
  ...INSDC.map(([s, alias]) => ({ alias, naming_authority: 'insdc', s })),
  ...EXTRA.map((s) => ({ alias: s.name, naming_authority: 'ucsc', s })),
  ...EXTRA_ALIASES.map(([name, naming_authority, alias]) => ({ alias, naming_authority, s: byName(name) })),
]
  .map(({ alias, naming_authority, s }) => ({ alias, naming_authority, md5: s.md5, ga4gh: s.ga4gh, length: s.seq.length }))
  .sort((a, b) =>
    a.naming_authority < b.naming_authority
      ? -1
      : a.naming_authority > b.naming_authority
        ? 1
        : a.alias < b.alias
          ? -1
          : a.alias > b.alias
            ? 1
            : 0,
  );
// The two lab:dup rows tie on (authority, alias); they are ordered by their sequence's row id,
// which is ingest order (chrA before chrB), as the stable sort above leaves them.

t.test('GET /naming-authorities: every authority with its alias count and last load time', async (t) => {
  const body = listing<AuthorityOut>(t, await get(app, '/naming-authorities'), 'json');
  const counts = new Map<string, number>();
  for (const a of ALL_ALIASES) counts.set(a.naming_authority, (counts.get(a.naming_authority) ?? 0) + 1);
  t.same(
    body.results.map((r) => [r.naming_authority, r.alias_count]),
    [...counts].sort(),
    'names in order, with alias counts',
  );
  t.same({ total: body.total, limit: body.limit, offset: body.offset }, { total: 5, limit: 1000, offset: 0 });
  const insdc = body.results.find((r) => r.naming_authority === 'insdc')!;
  const ucsc = body.results.find((r) => r.naming_authority === 'ucsc')!;
  t.ok(Date.parse(insdc.loaded_at) <= sampleLoaded, 'insdc loaded with the sample');
  t.ok(Date.parse(ucsc.loaded_at) >= Date.parse(insdc.loaded_at), 'ucsc loaded afterwards');

  const tsv = await get(app, '/naming-authorities?format=tsv');
  t.equal(tsv.headers['content-type'], TSV);
  t.same(
    parseTsv(tsv.body),
    [
      ['naming_authority', 'alias_count', 'loaded_at'],
      ...body.results.map((r) => [r.naming_authority, String(r.alias_count), r.loaded_at]),
    ],
    'TSV = JSON rows',
  );
  const csv = await get(app, '/naming-authorities', { accept: 'text/csv' });
  t.equal(csv.headers['content-type'], CSV);
  t.same(parseCsv(csv.body), parseTsv(tsv.body), 'CSV = TSV');
  t.equal(tsv.headers['x-total-count'], '5');

  const page = listing<AuthorityOut>(t, await get(app, '/naming-authorities?limit=2&offset=3'), 'page');
  t.same(page.results, body.results.slice(3, 5));
});

t.test('loaded_at moves when an ingest adds to an authority, and only for that authority', async (t) => {
  const store = await sampleStore(t);
  const d = tempDir(t);
  writeFileSync(join(d, 'x.fa'), '>x\nACGT\n');
  const before = listing<AuthorityOut>(t, await get(await buildTestApp(t, store), '/naming-authorities'), 'before').results;
  await new Promise((r) => setTimeout(r, 5));
  await runIngest([join(d, 'x.fa')], { store, namingAuthority: 'lab' });
  writeFileSync(join(d, 'more.tsv'), 'x\tinsdc\tXX000001.1\n');
  const after = listing<AuthorityOut>(t, await get(await buildTestApp(t, store), '/naming-authorities'), 'after').results;
  t.same(
    before.map((r) => r.naming_authority),
    ['insdc'],
  );
  t.same(
    after.map((r) => [r.naming_authority, r.alias_count]),
    [
      ['insdc', 3],
      ['lab', 1],
    ],
  );
  t.equal(after[0]!.loaded_at, before[0]!.loaded_at, 'insdc untouched');
  t.ok(Date.parse(after[1]!.loaded_at) > Date.parse(before[0]!.loaded_at), 'lab newer');
  await new Promise((r) => setTimeout(r, 5));
  await runIngest([join(d, 'x.fa')], { store, aliases: join(d, 'more.tsv') });
  const again = listing<AuthorityOut>(t, await get(await buildTestApp(t, store), '/naming-authorities'), 'again').results;
  t.equal(again[0]!.alias_count, 4);
  t.ok(Date.parse(again[0]!.loaded_at) > Date.parse(before[0]!.loaded_at), 'insdc reloaded → newer');
});

t.test('GET /aliases: rows with digests and length, stable order, JSON/TSV/CSV', async (t) => {
  const body = listing<AliasOut>(t, await get(app, '/aliases'), 'all');
  t.same(body, { total: ALL_ALIASES.length, limit: 1000, offset: 0, results: ALL_ALIASES }, 'every alias, ordered');

  const header = ['alias', 'naming_authority', 'md5', 'ga4gh', 'length'];
  const rows = ALL_ALIASES.map((a) => [a.alias, a.naming_authority, a.md5, a.ga4gh, String(a.length)]);
  const tsv = await get(app, '/aliases?format=tsv');
  t.equal(tsv.statusCode, 200);
  t.equal(tsv.headers['content-type'], TSV);
  t.equal(tsv.headers['x-total-count'], String(ALL_ALIASES.length));
  t.same(parseTsv(tsv.body), [header, ...rows], 'TSV rows (backslash escaped and restored)');
  t.ok(tsv.body.includes('back\\\\slash'), 'a backslash is written \\\\ in TSV');
  const csv = await get(app, '/aliases?format=csv');
  t.equal(csv.headers['content-type'], CSV);
  t.same(parseCsv(csv.body), [header, ...rows], 'CSV rows');
  t.ok(csv.body.includes('"weird,""quoted""_alias"'), 'comma and quotes → quoted field, quotes doubled');
  t.ok(csv.body.includes('\r\n') && !/[^\r]\n/.test(csv.body), 'CSV records end in CRLF');
});

t.test('format: ?format= wins over Accept; Accept picks TSV/CSV/JSON; default JSON; 406 for nothing usable', async (t) => {
  const ct = async (url: string, accept?: string): Promise<string | undefined> =>
    (await get(app, url, accept === undefined ? {} : { accept })).headers['content-type'] as string | undefined;
  t.equal(await ct('/aliases'), JSON_LIST, 'no Accept → JSON');
  t.equal(await ct('/aliases', '*/*'), JSON_LIST, '*/* → JSON');
  t.equal(await ct('/aliases', 'text/html,application/xhtml+xml,*/*;q=0.8'), JSON_LIST, 'browser → JSON');
  t.equal(await ct('/aliases', 'application/json'), JSON_LIST);
  t.equal(await ct('/aliases', 'text/tab-separated-values'), TSV);
  t.equal(await ct('/aliases', 'text/csv'), CSV);
  t.equal(await ct('/aliases', 'text/csv;q=0.5, text/tab-separated-values'), TSV, 'q-values decide');
  t.equal(await ct('/aliases?format=json', 'text/csv'), JSON_LIST, 'query wins (json over Accept csv)');
  t.equal(await ct('/aliases?format=tsv', 'application/json'), TSV, 'query wins (tsv over Accept json)');
  t.equal(await ct('/aliases?format=csv', 'embl/some_json'), CSV, 'query wins even over an unusable Accept');
  const vary = (await get(app, '/aliases')).headers.vary as string;
  t.match(vary, /Accept/, 'Vary: Accept');
  assertError(t, await get(app, '/aliases', { accept: 'text/html' }), 406, 'NOT_ACCEPTABLE', 'text/html only');
  assertError(t, await get(app, '/collections?format=xml'), 400, 'INVALID_PARAMETER', 'format=xml', /json, tsv, csv/);
  assertError(t, await get(app, '/naming-authorities?format='), 400, 'INVALID_PARAMETER', 'format empty');
});

t.test('GET /aliases filters: naming_authority (case-insensitive), alias, prefix, combined', async (t) => {
  const q = async (query: string): Promise<AliasOut[]> =>
    listing<AliasOut>(t, await get(app, `/aliases?${query}`), query).results;
  t.same(
    await q('naming_authority=refseq'),
    ALL_ALIASES.filter((a) => a.naming_authority === 'refseq'),
  );
  t.same(
    await q('naming_authority=RefSeq'),
    ALL_ALIASES.filter((a) => a.naming_authority === 'refseq'),
    'authority is case-insensitive',
  );
  t.same(
    await q('alias=NC_001422.1'),
    ALL_ALIASES.filter((a) => a.alias === 'NC_001422.1'),
  );
  t.same(await q('alias=nc_001422.1'), [], 'alias is case-sensitive');
  t.same(
    await q('prefix=NC_'),
    ALL_ALIASES.filter((a) => a.alias.startsWith('NC_')),
    'prefix across authorities',
  );
  t.same(
    await q('prefix=NC_&naming_authority=refseq'),
    ALL_ALIASES.filter((a) => a.alias.startsWith('NC_') && a.naming_authority === 'refseq'),
  );
  t.same(
    await q('prefix=chr'),
    ALL_ALIASES.filter((a) => a.alias.startsWith('chr')),
  );
  t.same(
    await q(`prefix=${encodeURIComponent('weird,"')}`),
    ALL_ALIASES.filter((a) => a.alias.startsWith('weird,"')),
    'prefix with punctuation',
  );
  t.same(await q('prefix=%25'), [], "prefix '%' is literal, not a wildcard");
  t.same(await q('prefix=_'), [], "prefix '_' is literal, not a wildcard");
  const dup = await q('naming_authority=lab&alias=dup');
  t.same(
    dup.map((d) => d.md5),
    [byName('chrA').md5, byName('chrB').md5],
    'one alias naming two sequences: both rows',
  );
  const none = listing<AliasOut>(t, await get(app, '/aliases?naming_authority=nosuch'), 'unknown authority');
  t.same(none, { total: 0, limit: 1000, offset: 0, results: [] }, 'a filter matching nothing: empty, total 0');
  assertError(t, await get(app, '/aliases?naming_authority='), 400, 'INVALID_PARAMETER', 'empty filter', /naming_authority/);
  assertError(t, await get(app, '/aliases?prefix='), 400, 'INVALID_PARAMETER', 'empty prefix', /prefix/);
});

t.test('paging: limit, offset, offset past the end, limit=0, limit over the max, bad values', async (t) => {
  const n = ALL_ALIASES.length;
  const walk: AliasOut[] = [];
  for (let offset = 0; offset < n; offset += 3) {
    const page = listing<AliasOut>(t, await get(app, `/aliases?limit=3&offset=${offset}`), `offset ${offset}`);
    t.same({ total: page.total, limit: page.limit, offset: page.offset }, { total: n, limit: 3, offset });
    walk.push(...page.results);
  }
  t.same(walk, ALL_ALIASES, 'pages of 3 put together = the whole listing');
  const past = listing<AliasOut>(t, await get(app, `/aliases?offset=${n + 5}`), 'past the end');
  t.same(past, { total: n, limit: 1000, offset: n + 5, results: [] }, 'offset past the end: empty, real total');
  const pastTsv = await get(app, `/aliases?offset=${n}&format=tsv`);
  t.same(parseTsv(pastTsv.body), [['alias', 'naming_authority', 'md5', 'ga4gh', 'length']], 'TSV past the end: header only');
  t.equal(pastTsv.headers['x-total-count'], String(n));
  const all = listing<AliasOut>(t, await get(app, '/aliases?limit=0'), 'limit=0');
  t.same(all, { total: n, limit: 0, offset: 0, results: ALL_ALIASES }, 'limit=0 = all');
  const tail = listing<AliasOut>(t, await get(app, '/aliases?limit=0&offset=4'), 'limit=0 + offset');
  t.same(tail.results, ALL_ALIASES.slice(4));

  const small = await buildTestApp(t, storeDir, { maxListLimit: 5 });
  t.equal(listing<AliasOut>(t, await get(small, '/aliases?limit=5'), 'limit = max').results.length, 5);
  assertError(t, await get(small, '/aliases?limit=6'), 400, 'INVALID_PARAMETER', 'limit over the max', /at most 5/);
  const defaulted = listing<AliasOut>(t, await get(small, '/aliases'), 'default under a small max');
  t.same(
    { limit: defaulted.limit, rows: defaulted.results.length },
    { limit: 5, rows: 5 },
    'the default limit shrinks to the max',
  );
  t.equal(
    listing<AliasOut>(t, await get(small, '/aliases?limit=0'), 'limit=0 under a small max').results.length,
    n,
    'limit=0 is always allowed',
  );
  assertError(t, await get(app, '/aliases?limit=100001'), 400, 'INVALID_PARAMETER', 'over the default max', /at most 100000/);

  for (const bad of ['limit=-1', 'limit=abc', 'limit=1.5', 'limit=', 'offset=-1', 'offset=1e3', 'limit=1234567890123456']) {
    assertError(t, await get(app, `/aliases?${bad}`), 400, 'INVALID_PARAMETER', bad);
  }
  const repeated = await get(app, '/aliases?limit=1&limit=2');
  t.equal(repeated.statusCode, 400, 'repeated limit → 400');
  assertError(t, await get(app, '/aliases?limt=5'), 400, 'INVALID_PARAMETER', 'misspelt parameter', /unknown parameter 'limt'/);
  assertError(t, await get(app, '/naming-authorities?name=x'), 400, 'INVALID_PARAMETER', 'filter the endpoint lacks');
});

t.test('HEAD: the GET headers and total, no body', async (t) => {
  const getRes = await get(app, '/aliases?format=csv');
  const head = await app.inject({ method: 'HEAD', url: '/aliases?format=csv' });
  t.equal(head.statusCode, 200);
  t.equal(head.body, '');
  t.equal(head.headers['content-type'], CSV);
  t.equal(head.headers['x-total-count'], String(ALL_ALIASES.length));
  t.equal(head.headers['content-length'], String(getRes.rawPayload.length), 'Content-Length of the GET body');
});

t.test('GET /collections: named and unnamed, count and total length, name filter', async (t) => {
  const body = listing<CollectionOut>(t, await get(app, '/collections'), 'all');
  const expected: CollectionOut[] = [
    ...Object.values(SEQCOL).map((e) => ({
      digest: e.top_level_digest,
      names: [] as string[],
      sequence_count: e.level2.lengths.length,
      total_length: e.level2.lengths.reduce((a, b) => a + b, 0),
    })),
    ...Object.values(SAMPLE_REFGET).map((s) => ({
      digest: '',
      names: [] as string[],
      sequence_count: 1,
      total_length: s.seq.length,
    })),
    {
      digest: EXTRA_DIGEST,
      names: ['TestAssembly'],
      sequence_count: 3,
      total_length: EXTRA.reduce((n, s) => n + s.seq.length, 0),
    },
  ];
  t.equal(body.total, expected.length, 'six seqcol fixtures + three refget files + the named one');
  t.same(
    body.results.map((r) => r.digest),
    [...body.results.map((r) => r.digest)].sort(),
    'ordered by digest',
  );
  for (const e of expected.filter((x) => x.digest !== '')) {
    t.same(
      body.results.find((r) => r.digest === e.digest),
      e,
      `collection ${e.digest}`,
    );
  }
  for (const s of Object.values(SAMPLE_REFGET)) {
    t.ok(
      body.results.some((r) => r.sequence_count === 1 && r.total_length === s.seq.length),
      `single-sequence collection of length ${s.seq.length}`,
    );
  }
  const named = listing<CollectionOut>(t, await get(app, '/collections?name=TestAssembly'), 'by name');
  t.same(named.results, [expected.at(-1)], 'name filter');
  t.same(
    listing<CollectionOut>(t, await get(app, '/collections?name=NoSuch'), 'unknown name').results,
    [],
    'unknown name: empty',
  );
  const tsv = parseTsv((await get(app, '/collections?name=TestAssembly&format=tsv')).body);
  t.same(tsv, [
    ['digest', 'names', 'sequence_count', 'total_length'],
    [EXTRA_DIGEST, 'TestAssembly', '3', String(expected.at(-1)!.total_length)],
  ]);
  const page = listing<CollectionOut>(t, await get(app, '/collections?limit=2&offset=8'), 'last page');
  t.same(page.results, body.results.slice(8, 10));
});

t.test('GET /collections/:ref/sequences: the ordered mapping by digest or by name', async (t) => {
  const expected: MemberOut[] = EXTRA.map((s) => ({
    name: s.name,
    length: s.seq.length,
    md5: s.md5,
    ga4gh: s.ga4gh,
    circular: s.name === 'chrM',
    aliases: [
      ...EXTRA_ALIASES.filter(([n]) => n === s.name).map(([, naming_authority, alias]) => ({ alias, naming_authority })),
      { alias: s.name, naming_authority: 'ucsc' },
    ].sort((a, b) => (a.naming_authority + '\0' + a.alias < b.naming_authority + '\0' + b.alias ? -1 : 1)),
  }));
  const byDigest = listing<MemberOut>(t, await get(app, `/collections/${EXTRA_DIGEST}/sequences`), 'by digest');
  t.same(
    byDigest,
    {
      collection: { digest: EXTRA_DIGEST, names: ['TestAssembly'] },
      total: 3,
      limit: 0,
      offset: 0,
      results: expected,
    },
    'every sequence in FASTA order with all its aliases; all rows by default',
  );
  const byNameRes = listing<MemberOut>(t, await get(app, '/collections/TestAssembly/sequences'), 'by name');
  t.same(byNameRes, byDigest, 'a collection name resolves to the same collection');

  const tsv = await get(app, '/collections/TestAssembly/sequences?format=tsv');
  t.equal(tsv.headers['content-type'], TSV);
  t.same(
    parseTsv(tsv.body),
    [
      ['name', 'length', 'md5', 'ga4gh', 'circular', 'genbank', 'lab', 'refseq', 'ucsc'],
      ['chrA', '14', byName('chrA').md5, byName('chrA').ga4gh, 'false', 'CM000663.2', 'dup', 'NC_000001.11', 'chrA'],
      ['chrB', '8', byName('chrB').md5, byName('chrB').ga4gh, 'false', '', 'dup,weird,"quoted"_alias', 'NC_000002.12', 'chrB'],
      ['chrM', '7', byName('chrM').md5, byName('chrM').ga4gh, 'true', '', 'back\\slash', '', 'chrM'],
    ],
    'one column per naming authority (chromAlias style)',
  );
  const csv = parseCsv((await get(app, '/collections/TestAssembly/sequences', { accept: 'text/csv' })).body);
  t.same(csv, parseTsv(tsv.body), 'CSV = TSV');

  const page = listing<MemberOut>(t, await get(app, '/collections/TestAssembly/sequences?limit=1&offset=1'), 'page');
  t.same(page.results, expected.slice(1, 2));
  t.same(listing<MemberOut>(t, await get(app, '/collections/TestAssembly/sequences?offset=3'), 'past end').results, []);

  // A compliance collection (no aliases) and the circular phiX174.
  const base = SEQCOL['base.fa']!;
  const baseRows = listing<MemberOut>(t, await get(app, `/collections/${base.top_level_digest}/sequences`), 'base.fa').results;
  const baseFasta = fastaRecords(readFileSync(join(SAMPLE, 'base.fa'), 'utf8'));
  t.same(
    baseRows,
    baseFasta.map((s) => ({ name: s.name, length: s.seq.length, md5: s.md5, ga4gh: s.ga4gh, circular: false, aliases: [] })),
  );
  t.same(
    parseTsv((await get(app, `/collections/${base.top_level_digest}/sequences?format=tsv`)).body)[0],
    ['name', 'length', 'md5', 'ga4gh', 'circular'],
    'no aliases: no authority columns',
  );
  const nc = (await get(app, '/collections?format=json&limit=0')).json() as Listing<CollectionOut>;
  const ncDigest = nc.results.find((c) => c.total_length === SAMPLE_REFGET.NC.seq.length)!.digest;
  const ncRows = listing<MemberOut>(t, await get(app, `/collections/${ncDigest}/sequences`), 'NC').results;
  t.same(ncRows, [
    {
      name: 'NC_001422.1',
      length: 5386,
      md5: SAMPLE_REFGET.NC.md5,
      ga4gh: SAMPLE_REFGET.NC.ga4gh,
      circular: true,
      aliases: [{ alias: 'NC_001422.1', naming_authority: 'insdc' }],
    },
  ]);

  assertError(t, await get(app, '/collections/NoSuchAssembly/sequences'), 404, 'COLLECTION_NOT_FOUND', 'unknown name');
  assertError(
    t,
    await get(app, '/collections/XZlrcEGi6mlopZ2uD8ObHkQB1d0oDwKx/sequences'),
    404,
    'COLLECTION_NOT_FOUND',
    'unknown digest',
  );
  assertError(t, await get(app, '/collections/testassembly/sequences'), 404, 'COLLECTION_NOT_FOUND', 'names are case-sensitive');
  assertError(t, await get(app, '/collections/TestAssembly/sequences?limit=x'), 400, 'INVALID_PARAMETER', 'bad limit');
  assertError(t, await get(app, '/collections/TestAssembly/sequences?name=x'), 400, 'INVALID_PARAMETER', 'unknown parameter');
});

t.test('POST /sequence/metadata: mixed found / not found / ambiguous, in request order', async (t) => {
  const ids = [
    'insdc:BK006935.2',
    'nope',
    SAMPLE_REFGET.NC.ga4gh,
    'lab:dup',
    `md5:${byName('chrM').md5}`,
    'insdc:BK006935.2',
    'ucsc:chrA',
    SAMPLE_REFGET.VI.md5.toUpperCase(),
  ];
  const res = await app.inject({ method: 'POST', url: '/sequence/metadata', payload: { ids } });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], REFGET_JSON, 'refget JSON type, as GET metadata');
  const results = (res.json() as { results: Record<string, unknown>[] }).results;
  t.same(
    results.map((r) => r.id),
    ids,
    'one result per id, in request order (duplicates kept)',
  );
  for (const [i, id] of ids.entries()) {
    const single = await get(app, `/sequence/${encodeURIComponent(id)}/metadata`);
    if (single.statusCode === 200) {
      t.same(results[i], { id, metadata: (single.json() as { metadata: unknown }).metadata }, `${id}: same metadata as GET`);
    } else {
      t.same(results[i], { id, ...(single.json() as object) }, `${id}: same error as GET (${single.statusCode})`);
    }
  }
  const meta = (i: number): { md5: string; length: number } => results[i]!.metadata as { md5: string; length: number };
  t.equal(meta(0).md5, SAMPLE_REFGET.I.md5, 'alias → chr I (md5 of the FASTA)');
  t.equal(meta(2).length, SAMPLE_REFGET.NC.seq.length);
  t.equal(meta(4).md5, byName('chrM').md5);
  t.equal(meta(7).md5, SAMPLE_REFGET.VI.md5, 'upper-case md5');
  t.match(results[1], { id: 'nope', error: 'SEQUENCE_NOT_FOUND', message: String });
  t.match(results[3], { id: 'lab:dup', error: 'AMBIGUOUS_ALIAS', message: String });
  t.same(
    (results[3]!.candidates as { md5: string }[]).map((c) => c.md5).sort(),
    [byName('chrA').md5, byName('chrB').md5].sort(),
    'ambiguous: candidates',
  );

  const empty = await app.inject({ method: 'POST', url: '/sequence/metadata', payload: { ids: [] } });
  t.same(empty.json(), { results: [] }, 'no ids → no results');
});

t.test('POST /sequence/metadata: limit and malformed bodies', async (t) => {
  const small = await buildTestApp(t, storeDir, { maxBatchIds: 3 });
  const three = await small.inject({ method: 'POST', url: '/sequence/metadata', payload: { ids: ['a', 'b', 'c'] } });
  t.equal(three.statusCode, 200, 'at the limit');
  assertError(
    t,
    await small.inject({ method: 'POST', url: '/sequence/metadata', payload: { ids: ['a', 'b', 'c', 'd'] } }),
    400,
    'INVALID_PARAMETER',
    'over the limit',
    /at most 3 ids/,
  );
  const many = Array.from({ length: 1001 }, (_, i) => `x${i}`);
  assertError(
    t,
    await app.inject({ method: 'POST', url: '/sequence/metadata', payload: { ids: many } }),
    400,
    'INVALID_PARAMETER',
    'over the default 1000',
  );
  const thousand = await app.inject({ method: 'POST', url: '/sequence/metadata', payload: { ids: many.slice(0, 1000) } });
  t.equal((thousand.json() as { results: unknown[] }).results.length, 1000, '1000 ids answered');

  const post = (payload: string, contentType = 'application/json'): Promise<Res> =>
    app.inject({ method: 'POST', url: '/sequence/metadata', payload, headers: { 'content-type': contentType } });
  for (const [payload, what] of [
    ['{bad', 'not JSON'],
    ['{}', 'no ids'],
    ['{"ids": "abc"}', 'ids a string'],
    ['{"ids": [1, 2]}', 'ids numbers'],
    ['{"ids": [null]}', 'ids null'],
    ['{"ids": {"a": 1}}', 'ids an object'],
    ['[]', 'an array body'],
    ['null', 'null'],
    ['{"ids": [], "extra": 1}', 'unknown member'],
    ['"ids"', 'a string body'],
  ] as const) {
    const res = await post(payload);
    t.equal(res.statusCode, 400, `${what}: 400`);
    t.ok(typeof (res.json() as { message?: unknown }).message === 'string', `${what}: with a message`);
  }
  t.equal((await post('ids=a', 'text/plain')).statusCode, 400, 'a text/plain body is not an object → 400');
  t.equal((await post('ids=a', 'application/x-www-form-urlencoded')).statusCode, 415, 'a form body → 415');
  const notAcceptable = await app.inject({
    method: 'POST',
    url: '/sequence/metadata',
    payload: { ids: ['a'] },
    headers: { accept: 'embl/some_json' },
  });
  assertError(t, notAcceptable, 406, 'NOT_ACCEPTABLE', 'Accept embl/some_json');
});

t.test('FASTA output of a range (Accept: text/x-fasta): header with id and aliases, 60 columns, after selection', async (t) => {
  const I = SAMPLE_REFGET.I;
  const res = await get(app, '/sequence/insdc:BK006935.2?start=5&end=135', { accept: 'text/x-fasta' });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'text/x-fasta; charset=us-ascii');
  const sub = I.seq.slice(5, 135);
  t.equal(res.body, `>${I.ga4gh} md5:${I.md5} insdc:BK006935.2\n${sub.slice(0, 60)}\n${sub.slice(60, 120)}\n${sub.slice(120)}\n`);
  const range = await get(app, `/sequence/${I.md5}`, { accept: 'text/x-fasta', range: 'bytes=0-59' });
  t.equal(range.statusCode, 206);
  t.equal(range.body.split('\n')[1], I.seq.slice(0, 60), 'a Range counts bases, not header bytes');
});

t.test('the OpenAPI document describes every discovery endpoint', async (t) => {
  const doc = (await get(app, '/openapi.json')).json() as {
    paths: Record<
      string,
      Record<string, { parameters?: { name: string }[]; responses: Record<string, { content?: Record<string, unknown> }> }>
    >;
  };
  for (const path of ['/naming-authorities', '/aliases', '/collections', '/collections/{ref}/sequences']) {
    const op = doc.paths[path]?.get;
    t.ok(op, `GET ${path}`);
    const params = (op?.parameters ?? []).map((p) => p.name);
    for (const p of ['limit', 'offset', 'format']) t.ok(params.includes(p), `${path} documents ${p}`);
    t.same(
      Object.keys(op?.responses['200']?.content ?? {}).sort(),
      ['application/json', 'text/csv', 'text/tab-separated-values'],
      `${path}: three formats`,
    );
    t.ok(op?.responses['400'], `${path}: 400 documented`);
  }
  for (const p of ['naming_authority', 'alias', 'prefix'])
    t.ok(
      doc.paths['/aliases']!.get!.parameters!.some((x) => x.name === p),
      `/aliases documents ${p}`,
    );
  t.ok(doc.paths['/collections/{ref}/sequences']!.get!.responses['404'], '404 documented');
  t.ok(doc.paths['/sequence/metadata']?.post, 'POST /sequence/metadata');
});
