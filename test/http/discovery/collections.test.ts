// The discovery API: GET /collections and /collections/:ref/sequences. Shared expectations and the app: test/helpers/discovery-suite.ts.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EXTRA,
  EXTRA_ALIASES,
  EXTRA_DIGEST,
  SAMPLE,
  SAMPLE_REFGET,
  SEQCOL,
  TSV,
  app,
  assertError,
  byName,
  fastaRecords,
  get,
  listing,
  parseCsv,
  parseTsv,
  type CollectionOut,
  type Listing,
  type MemberOut,
} from '../../helpers/discovery-suite.js';

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
