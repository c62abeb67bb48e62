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
  t.same(body, { total: ALL_ALIASES.length, limit: 1000, offset: 0, results: ALL_ALIASES, next: null }, 'every alias, ordered');

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
  t.same(none, { total: 0, limit: 1000, offset: 0, results: [], next: null }, 'a filter matching nothing: empty, total 0');
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
  t.same(past, { total: n, limit: 1000, offset: n + 5, results: [], next: null }, 'offset past the end: empty, real total');
  const pastTsv = await get(app, `/aliases?offset=${n}&format=tsv`);
  t.same(parseTsv(pastTsv.body), [['alias', 'naming_authority', 'md5', 'ga4gh', 'length']], 'TSV past the end: header only');
  t.equal(pastTsv.headers['x-total-count'], String(n));
  const all = listing<AliasOut>(t, await get(app, '/aliases?limit=0'), 'limit=0');
  t.same(all, { total: n, limit: 0, offset: 0, results: ALL_ALIASES, next: null }, 'limit=0 = all');
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

t.test('cursor paging: after continues from the next of a page, alone or with filters; bad cursors are 400', async (t) => {
  const n = ALL_ALIASES.length;
  type Page = { total: number; results: AliasOut[]; next: string | null };
  const walk = async (query: string, size: number): Promise<AliasOut[]> => {
    const rows: AliasOut[] = [];
    let after: string | null = null;
    for (let i = 0; i < n + 2; i++) {
      const url: string = `/aliases?limit=${size}${query}${after === null ? '' : `&after=${after}`}`;
      const page = listing<AliasOut>(t, await get(app, url), url) as unknown as Page;
      rows.push(...page.results);
      t.equal(page.next === null, page.results.length < size, 'next is given exactly when the page is full');
      if (page.next === null) return rows;
      after = page.next;
    }
    throw new Error('the cursor walk did not end');
  };
  for (const size of [1, 2, 3, n]) t.same(await walk('', size), ALL_ALIASES, `pages of ${size} by cursor = the whole listing`);
  const authority = ALL_ALIASES[0]!.naming_authority;
  t.same(
    await walk(`&naming_authority=${authority.toUpperCase()}`, 2),
    ALL_ALIASES.filter((a) => a.naming_authority === authority),
    'with the authority fixed',
  );
  const prefix = ALL_ALIASES[0]!.alias.slice(0, 1);
  t.same(
    await walk(`&prefix=${encodeURIComponent(prefix)}`, 2),
    ALL_ALIASES.filter((a) => a.alias.startsWith(prefix)),
    'with a prefix',
  );
  // A cursor from one page, used with TSV: the same rows, no cursor in the body.
  const first = listing<AliasOut>(t, await get(app, '/aliases?limit=2'), 'first page') as unknown as Page;
  const tsv = await get(app, `/aliases?format=tsv&limit=2&after=${first.next}`);
  t.same(
    parseTsv(tsv.body)
      .slice(1)
      .map((r) => r[0]),
    ALL_ALIASES.slice(2, 4).map((a) => a.alias),
    'TSV continues after the cursor',
  );
  // Past the last row: empty, and no next.
  const lastCursor = (listing<AliasOut>(t, await get(app, `/aliases?limit=${n}`), 'all') as unknown as Page).next;
  const beyond = listing<AliasOut>(t, await get(app, `/aliases?limit=${n}&after=${lastCursor}`), 'beyond') as unknown as Page;
  t.same({ results: beyond.results, next: beyond.next }, { results: [], next: null });

  const cursor = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  for (const [bad, why] of [
    ['not*base64', 'not base64url'],
    [Buffer.from('{').toString('base64url'), 'not JSON'],
    [cursor(['a', 'b']), 'two parts'],
    [cursor(['a', 'b', 'c']), 'a non-integer row'],
    [cursor({ a: 1 }), 'an object'],
    ['A'.repeat(5000), 'too long'],
  ] as const) {
    assertError(t, await get(app, `/aliases?after=${bad}`), 400, 'INVALID_PARAMETER', why, /cursor/);
  }
  assertError(t, await get(app, '/aliases?after='), 400, 'INVALID_PARAMETER', 'empty', /after/);
  assertError(t, await get(app, `/aliases?offset=2&after=${first.next}`), 400, 'INVALID_PARAMETER', 'both', /not both/);
  assertError(t, await get(app, `/naming-authorities?after=${first.next}`), 400, 'INVALID_PARAMETER', 'only /aliases', /after/);
});
