// Sequence collections over HTTP, against the compliance data: the six test_fasta collections
// ingested by the real ingest, every expected digest and array from test_fasta_digests.json,
// the five comparison fixtures via GET and POST, paging, filters and error statuses.
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../../src/seqcol/canonical-json.js';
import { buildTestApp, sampleStore, FIXTURES } from '../helpers/sample-store.js';

interface Expected {
  top_level_digest: string;
  level1: Record<string, string>;
  level2: Record<string, unknown[]>;
}
const expected = JSON.parse(readFileSync(join(FIXTURES, 'seqcol/test_fasta/test_fasta_digests.json'), 'utf8')) as Record<
  string,
  Expected
>;
const comparisonDir = join(FIXTURES, 'seqcol/comparison');

// Twice: collections answered on the request's thread, and every one sent to the collection worker.
for (const [mode, inlineCollectionMembers] of [
  ['inline', undefined],
  ['worker', 0],
] as const) {
  t.test(`seqcol endpoints (${mode})`, async (t) => {
    const store = await sampleStore(t);
    const app = await buildTestApp(t, store, {}, { inlineCollectionMembers });

    t.test('every collection at levels 1 and 2', async (t) => {
      for (const [file, e] of Object.entries(expected)) {
        const l1 = await app.inject({ url: `/collection/${e.top_level_digest}?level=1` });
        t.equal(l1.statusCode, 200, `${file} level 1`);
        t.match(l1.headers['content-type'], /^application\/json/);
        t.same(l1.json(), e.level1, `${file}: every level-1 digest, incl. sorted_name_length_pairs`);
        for (const url of [`/collection/${e.top_level_digest}`, `/collection/${e.top_level_digest}?level=2`]) {
          const l2 = await app.inject({ url });
          t.equal(l2.statusCode, 200);
          t.same(l2.json(), e.level2, `${file}: ${url} is level 2 without transient attributes`);
          t.notOk('sorted_name_length_pairs' in l2.json(), 'transient attribute absent at level 2');
        }
        // Every sequence of a collection resolves on the refget side.
        for (const id of e.level2.sequences as string[]) {
          const seq = await app.inject({ url: `/sequence/${id}` });
          t.equal(seq.statusCode, 200, `${id} resolves`);
        }
      }
    });

    t.test('comparison fixtures: GET equals the fixture as canonical JSON; POST equals it with b = null', async (t) => {
      const files = readdirSync(comparisonDir).filter((f) => f.endsWith('.json'));
      t.equal(files.length, 5);
      for (const f of files) {
        const fixture = JSON.parse(readFileSync(join(comparisonDir, f), 'utf8')) as { digests: { a: string; b: string } };
        const get = await app.inject({ url: `/comparison/${fixture.digests.a}/${fixture.digests.b}` });
        t.equal(get.statusCode, 200, `${f} GET`);
        t.equal(canonicalJson(get.json()), canonicalJson(fixture), `${f} GET body`);
        const bLevel2 = (await app.inject({ url: `/collection/${fixture.digests.b}` })).json();
        const post = await app.inject({ method: 'POST', url: `/comparison/${fixture.digests.a}`, payload: bLevel2 });
        t.equal(post.statusCode, 200, `${f} POST`);
        t.equal(
          canonicalJson(post.json()),
          canonicalJson({ ...fixture, digests: { a: fixture.digests.a, b: null } }),
          `${f} POST body`,
        );
      }
    });

    t.test('list/collection: paging from 0, total, AND filters', async (t) => {
      const all = (await app.inject({ url: '/list/collection' })).json() as {
        results: string[];
        pagination: { page: number; page_size: number; total: number };
      };
      const digests = Object.values(expected).map((e) => e.top_level_digest);
      for (const d of digests) t.ok(all.results.includes(d), `${d} listed`);
      t.same(all.pagination, { page: 0, page_size: 100, total: all.results.length });
      const page1 = (await app.inject({ url: '/list/collection?page=1&page_size=2' })).json() as typeof all;
      t.same(page1.results, all.results.slice(2, 4), 'page 1 of size 2');
      t.equal(page1.pagination.total, all.pagination.total);
      const past = (await app.inject({ url: '/list/collection?page=99&page_size=5' })).json() as typeof all;
      t.same(past.results, [], 'past the end: empty page, same total');
      const base = expected['base.fa']!;
      const byNames = (await app.inject({ url: `/list/collection?names=${base.level1.names}` })).json() as typeof all;
      t.same(
        byNames.results.sort(),
        Object.values(expected)
          .filter((e) => e.level1.names === base.level1.names)
          .map((e) => e.top_level_digest)
          .sort(),
      );
      const and = (
        await app.inject({
          url: `/list/collection?names=${base.level1.names}&lengths=${base.level1.lengths}&sequences=${base.level1.sequences}`,
        })
      ).json() as typeof all;
      t.same(and.results, [base.top_level_digest], 'AND of three filters');
      const snlp = (
        await app.inject({ url: `/list/collection?sorted_name_length_pairs=${base.level1.sorted_name_length_pairs}` })
      ).json() as typeof all;
      const sameCoordinates = Object.values(expected).filter(
        (e) => e.level1.sorted_name_length_pairs === base.level1.sorted_name_length_pairs,
      );
      t.ok(sameCoordinates.length >= 2, 'the fixtures have several collections with the same name-length pairs');
      t.same(
        snlp.results.sort(),
        sameCoordinates.map((e) => e.top_level_digest).sort(),
        'filter on a transient attribute digest',
      );
      const none = (await app.inject({ url: `/list/collection?names=${base.level1.names}&lengths=nope` })).json() as typeof all;
      t.same(none, { results: [], pagination: { page: 0, page_size: 100, total: 0 } });
    });

    t.test('attribute endpoint and the list/attributes extension', async (t) => {
      const base = expected['base.fa']!;
      for (const attr of ['names', 'lengths', 'sequences', 'name_length_pairs', 'sorted_sequences']) {
        const res = await app.inject({ url: `/attribute/collection/${attr}/${base.level1[attr]}` });
        t.equal(res.statusCode, 200, attr);
        t.same(res.json(), base.level2[attr], `${attr} level 2`);
      }
      const transient = await app.inject({
        url: `/attribute/collection/sorted_name_length_pairs/${base.level1.sorted_name_length_pairs}`,
      });
      t.equal(transient.statusCode, 404, 'transient attribute is not served');
      t.equal((await app.inject({ url: '/attribute/collection/names/unknowndigest' })).statusCode, 404);
      t.equal((await app.inject({ url: `/attribute/collection/bogus/${base.level1.names}` })).statusCode, 404);
      const lengths = (await app.inject({ url: '/list/attributes/lengths' })).json() as {
        results: string[];
        pagination: { total: number };
      };
      for (const e of Object.values(expected))
        t.ok(lengths.results.includes(e.level1.lengths!), `lengths of ${e.top_level_digest} listed`);
      t.equal(new Set(lengths.results).size, lengths.results.length, 'distinct level-1 digests');
      t.equal(lengths.pagination.total, lengths.results.length);
    });

    t.test('errors: 404 unknown digests, 400 bad level, bad paging, bad bodies', async (t) => {
      const base = expected['base.fa']!.top_level_digest;
      const cases: [string, string, number, unknown?][] = [
        ['GET', '/collection/unknowndigest', 404],
        ['GET', `/collection/${base}?level=0`, 400],
        ['GET', `/collection/${base}?level=3`, 400],
        ['GET', `/collection/${base}?level=abc`, 400],
        ['GET', `/comparison/${base}/unknowndigest`, 404],
        ['GET', `/comparison/unknowndigest/${base}`, 404],
        ['GET', '/list/collection?page=-1', 400],
        ['GET', '/list/collection?page_size=0', 400],
        ['GET', '/list/collection?page_size=abc', 400],
        ['GET', '/list/collection?bogus=1', 400],
        ['GET', '/list/attributes/bogus', 404],
        ['POST', '/comparison/unknowndigest', 404, { names: ['a'] }],
        ['POST', `/comparison/${base}`, 400, { names: ['a', 'b'], lengths: [1] }],
        ['POST', `/comparison/${base}`, 400, { lengths: [-1] }],
        ['POST', `/comparison/${base}`, 400, [1, 2]],
        ['POST', `/comparison/${base}`, 400, '{"names": ['],
      ];
      for (const [method, url, status, payload] of cases) {
        const res = await app.inject({
          method: method as 'GET' | 'POST',
          url,
          ...(payload === undefined
            ? {}
            : {
                payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
                headers: { 'content-type': 'application/json' },
              }),
        });
        t.equal(res.statusCode, status, `${method} ${url} ${payload === undefined ? '' : JSON.stringify(payload)}`);
        const body = res.json() as { error: string; message: string };
        t.type(body.error, 'string');
        t.type(body.message, 'string');
        t.notMatch(res.body, /at .*\.ts:\d+/, 'no stack trace');
      }
    });

    t.test('service-info carries the seqcol schema', async (t) => {
      const info = (await app.inject({ url: '/service-info' })).json() as {
        seqcol: { schema: { properties: Record<string, unknown> } };
        type: Record<string, string>;
      };
      for (const attr of ['lengths', 'names', 'sequences', 'name_length_pairs', 'sorted_name_length_pairs', 'sorted_sequences']) {
        t.ok(attr in info.seqcol.schema.properties, `schema has ${attr}`);
      }
      t.ok(info.type.group && info.type.artifact && info.type.version);
    });

    t.test('the OpenAPI document lists the seqcol paths', async (t) => {
      const doc = (await app.inject({ url: '/openapi.json' })).json() as { openapi: string; paths: Record<string, unknown> };
      t.match(doc.openapi, /^3\./);
      for (const p of [
        '/collection/{digest}',
        '/comparison/{a}/{b}',
        '/comparison/{a}',
        '/list/collection',
        '/attribute/collection/{attr}/{digest}',
        '/list/attributes/{attr}',
      ]) {
        t.ok(p in doc.paths, p);
      }
    });
  });
}
