// GET /search and GET /sequence/:id/collections on a small store of two named assemblies that
// share a sequence under different record names. Digests of sequences are computed here with
// node:crypto from the FASTA text, not by the server.
import t from 'tap';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runIngest } from '../../src/cli/ingest-command.js';
import { buildTestApp, tempDir } from '../helpers/sample-store.js';

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
const ga4gh = (s: string): string => `SQ.${createHash('sha512').update(s).digest().subarray(0, 24).toString('base64url')}`;
const trunc512 = (s: string): string => createHash('sha512').update(s).digest().subarray(0, 24).toString('hex');
const SHARED = 'ACGTACGTTTGACCA';
const ONLY_A = 'GGGGCCCCAAAATT';
const ONLY_B = 'TTTTAAAACCCCGGGGA';

const dir = tempDir(t);
const store = join(dir, 'store');
writeFileSync(join(dir, 'a.fa'), `>chr1\n${SHARED}\n>chr2\n${ONLY_A}\n`);
writeFileSync(join(dir, 'b.fa'), `>chrX\n${SHARED}\n>chr2\n${ONLY_B}\n`);
const a = (await runIngest([join(dir, 'a.fa')], { store, namingAuthority: 'ucsc', collectionName: 'asmA' })).collections[0]!
  .digest;
const b = (await runIngest([join(dir, 'b.fa')], { store, namingAuthority: 'ucsc', collectionName: 'asmB' })).collections[0]!
  .digest;
const app = await buildTestApp(t, store);

const search = async (q: string) => {
  const res = await app.inject({ url: `/search?q=${encodeURIComponent(q)}` });
  return {
    status: res.statusCode,
    body: JSON.parse(res.body) as {
      sequences: { ga4gh: string; md5: string; length: number }[];
      collections: { digest: string; names: string[] }[];
    },
  };
};

t.test('every identifier form of a sequence finds it', async (t) => {
  for (const q of [
    md5(SHARED),
    md5(SHARED).toUpperCase(),
    ga4gh(SHARED),
    `ga4gh:${ga4gh(SHARED)}`,
    trunc512(SHARED),
    'ucsc:chr1',
    'UCSC:chrX',
    'chr1',
    'chrX',
    `  ${md5(SHARED)} `,
  ]) {
    const { status, body } = await search(q);
    t.equal(status, 200, q);
    t.same(
      body.sequences.map((s) => s.ga4gh),
      [ga4gh(SHARED)],
      `${q} → the shared sequence`,
    );
    t.equal(body.sequences[0]?.length, SHARED.length);
  }
});

t.test('a bare name in two assemblies lists both sequences; collections by digest and name', async (t) => {
  const chr2 = await search('chr2');
  t.same(chr2.body.sequences.map((s) => s.md5).sort(), [md5(ONLY_A), md5(ONLY_B)].sort(), 'chr2 names two sequences');
  t.same((await search(a)).body.collections, [{ digest: a, names: ['asmA'] }]);
  t.same((await search('asmB')).body.collections, [{ digest: b, names: ['asmB'] }]);
  const none = await search('nothing-like-this');
  t.same(none.body, { query: 'nothing-like-this', sequences: [], collections: [] }, 'no hit is an empty answer, not 404');
});

t.test('bad queries are 400; hostile ones cost nothing', async (t) => {
  for (const url of ['/search', '/search?q=', '/search?q=%20%20', `/search?q=${'x'.repeat(501)}`]) {
    const res = await app.inject({ url });
    t.equal(res.statusCode, 400, url.slice(0, 40));
    t.equal(JSON.parse(res.body).error, 'INVALID_PARAMETER');
  }
  for (const q of ['%', '_', "' OR 1=1 --", 'ucsc:%', '*', '..', 'SQ.', 'ga4gh:', ':']) {
    const { status, body } = await search(q);
    t.equal(status, 200, JSON.stringify(q));
    t.same([body.sequences.length, body.collections.length], [0, 0], `${JSON.stringify(q)} matches nothing (no wildcards)`);
  }
});

t.test('the collections holding a sequence, with its record names in each', async (t) => {
  const res = await app.inject({ url: `/sequence/${md5(SHARED)}/collections` });
  t.equal(res.statusCode, 200);
  t.same(JSON.parse(res.body), {
    collections: [
      { digest: a, names: ['asmA'], record_names: ['chr1'] },
      { digest: b, names: ['asmB'], record_names: ['chrX'] },
    ],
    truncated: false,
  });
  const only = JSON.parse((await app.inject({ url: `/sequence/ucsc:chr1/collections` })).body) as { collections: unknown[] };
  t.equal(only.collections.length, 2, 'found by alias too');
  t.equal((await app.inject({ url: `/sequence/${md5('NOPE')}/collections` })).statusCode, 404);
  t.equal(
    (await app.inject({ url: '/sequence/ucsc:chr2/collections' })).statusCode,
    300,
    'an ambiguous alias is 300 as on /sequence',
  );
});

t.test('holdings: sequences, bases, collections and authorities', async (t) => {
  const res = await app.inject({ url: '/holdings' });
  t.same(JSON.parse(res.body), {
    sequences: 3,
    bases: SHARED.length + ONLY_A.length + ONLY_B.length,
    collections: 2,
    naming_authorities: ['ucsc'],
  });
});
