// The discovery API: GET /aliases: rows, JSON/TSV/CSV and Accept, filters, paging, HEAD. Shared expectations and the app: test/helpers/discovery-suite.ts.
import t from 'tap';
import {
  ALL_ALIASES,
  CSV,
  JSON_LIST,
  TSV,
  app,
  assertError,
  buildTestApp,
  byName,
  get,
  listing,
  parseCsv,
  parseTsv,
  storeDir,
  type AliasOut,
} from '../../helpers/discovery-suite.js';

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
