// The discovery API: GET /naming-authorities: authorities, alias counts, load times. Shared expectations and the app: test/helpers/discovery-suite.ts.
import t from 'tap';
import { setImmediate as tick } from 'node:timers/promises';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ALL_ALIASES,
  CSV,
  TSV,
  app,
  buildTestApp,
  get,
  listing,
  parseCsv,
  parseTsv,
  runIngest,
  sampleLoaded,
  sampleStore,
  tempDir,
  type AuthorityOut,
} from '../../helpers/discovery-suite.js';

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
  await nextMillisecond();
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
  await nextMillisecond();
  await runIngest([join(d, 'x.fa')], { store, aliases: join(d, 'more.tsv') });
  const again = listing<AuthorityOut>(t, await get(await buildTestApp(t, store), '/naming-authorities'), 'again').results;
  t.equal(again[0]!.alias_count, 4);
  t.ok(Date.parse(again[0]!.loaded_at) > Date.parse(before[0]!.loaded_at), 'insdc reloaded → newer');
});

/** Waits until the clock has moved on, so the next load gets a later timestamp. */
async function nextMillisecond(): Promise<void> {
  const now = Date.now();
  while (Date.now() === now) await tick();
}
