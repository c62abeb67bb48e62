// Private collections (issue 7) through app.inject: a store with a public collection, a private
// one sharing a sequence with it and holding a private-only sequence, and a second private one.
// Without a token a private record is 401, with a token lacking the grant it is 404 exactly like
// an unknown id, with the grant (or `*`) it is 200; listings leave out what the caller may not
// see; the shared sequence stays public. Tokens-file mistakes stop the app at start (file:line).
import t from 'tap';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { runIngest } from '../../src/cli/ingest-command.js';
import { buildTestApp, tempDir } from '../helpers/sample-store.js';
import type { Test } from '../helpers/refget-expected.js';

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
const SHARED = 'ACGTACGTACGTACGTAAAA';
const PUBONLY = 'GGGGCCCCAAAATTTTGG';
const SECRET = 'TTTTGGGGCCCCAAAATTTTGGGGCCCC';
const OTHER = 'CATCATCATCATCAT';
const UNKNOWN = md5('NOT STORED');

interface Fixture { store: string; dir: string; pub: string; priv1: string; priv2: string }

async function privateStore(t: Test): Promise<Fixture> {
  const dir = tempDir(t);
  const store = join(dir, 'store');
  const files: [string, string, string][] = [
    ['pub.fa', 'public', `>shared\n${SHARED}\n>pubonly\n${PUBONLY}\n`],
    ['priv1.fa', 'private1', `>shared\n${SHARED}\n>secret\n${SECRET}\n`],
    ['priv2.fa', 'private2', `>other\n${OTHER}\n`],
  ];
  const digests: string[] = [];
  for (const [file, name, text] of files) {
    writeFileSync(join(dir, file), text);
    const summary = await runIngest([join(dir, file)], { store, namingAuthority: 'ex', collectionName: name });
    digests.push(summary.collections[0]!.digest);
  }
  return { store, dir, pub: digests[0]!, priv1: digests[1]!, priv2: digests[2]! };
}

function tokensFile(dir: string, text: string, name = 'tokens.tsv'): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const bearer = (token: string | undefined): Record<string, string> => (token === undefined ? {} : { authorization: `Bearer ${token}` });

t.test('private collections', async (t) => {
  const f = await privateStore(t);
  // private1 granted by name, private2 by digest.
  const tokens = tokensFile(f.dir, `# comment\ntok-a\tprivate1\ntok-b\t${f.priv2}\n\ntok-all\t*\n`);
  const app = await buildTestApp(t, f.store, { tokensFile: tokens });
  const get = (url: string, token?: string) => app.inject({ url, headers: bearer(token) });

  t.test('sequences and metadata: 401 without a token, 404 without the grant, 200 with it', async (t) => {
    for (const path of ['', '/metadata']) {
      const anon = await get(`/sequence/${md5(SECRET)}${path}`);
      t.equal(anon.statusCode, 401, `no token ${path}`);
      t.equal(anon.headers['www-authenticate'], 'Bearer');
      t.equal((anon.json() as { error: string }).error, 'UNAUTHORIZED');
      t.notOk(anon.headers['cache-control'], 'no immutable caching of a 401');

      const noGrant = await get(`/sequence/${md5(SECRET)}${path}`, 'tok-b');
      const unknown = await get(`/sequence/${UNKNOWN}${path}`, 'tok-b');
      t.equal(noGrant.statusCode, 404, `token without the grant ${path}`);
      t.same(Object.keys(noGrant.json() as object), Object.keys(unknown.json() as object), 'same shape as an unknown id');
      t.equal((noGrant.json() as { error: string }).error, 'SEQUENCE_NOT_FOUND');

      t.equal((await get(`/sequence/${md5(SECRET)}${path}`, 'tok-a')).statusCode, 200, `granted ${path}`);
      t.equal((await get(`/sequence/${md5(SECRET)}${path}`, 'tok-all')).statusCode, 200, `* ${path}`);
      t.equal((await get(`/sequence/${md5(OTHER)}${path}`, 'tok-a')).statusCode, 404, `other private collection ${path}`);
      t.equal((await get(`/sequence/${md5(OTHER)}${path}`, 'tok-b')).statusCode, 200, `granted by digest ${path}`);
      t.equal((await get(`/sequence/${UNKNOWN}${path}`)).statusCode, 404, `unknown id without a token ${path}`);
    }
    const seq = await get(`/sequence/${md5(SECRET)}`, 'tok-a');
    t.equal(seq.body, SECRET);
    t.match(seq.headers['cache-control'], /^private,/, 'a response to a token is not for shared caches');
    t.match((await get(`/sequence/${md5(SHARED)}`))?.headers['cache-control'], /^public,/, 'public without a token');
    t.equal((await get('/sequence/ex:secret')).statusCode, 401, 'by alias, no token');
    t.equal((await get('/sequence/ex:secret', 'tok-b')).statusCode, 404, 'by alias, no grant');
  });

  t.test('public data stays public: the shared sequence and the public collection, with or without a token', async (t) => {
    for (const token of [undefined, 'tok-a', 'tok-b', 'tok-all']) {
      const res = await get(`/sequence/${md5(SHARED)}`, token);
      t.equal(res.statusCode, 200, `shared sequence, token ${token}`);
      t.equal(res.body, SHARED);
      t.equal((await get(`/sequence/${md5(PUBONLY)}/metadata`, token)).statusCode, 200);
      t.equal((await get(`/collection/${f.pub}`, token)).statusCode, 200);
      t.equal((await get('/collections/public/sequences', token)).statusCode, 200);
    }
  });

  t.test('a bad token is 401 on every endpoint', async (t) => {
    for (const url of ['/service-info', `/sequence/${md5(SHARED)}`, `/collection/${f.pub}`, '/collections']) {
      for (const authorization of ['Bearer nope', 'Basic dG9rLWE6', 'Bearer', 'tok-a']) {
        const res = await app.inject({ url, headers: { authorization } });
        t.equal(res.statusCode, 401, `${url} with '${authorization}'`);
        t.equal(res.headers['www-authenticate'], 'Bearer');
      }
    }
    t.equal((await app.inject({ url: '/service-info', headers: { authorization: 'bearer tok-a' } })).statusCode, 200, 'scheme is case-insensitive');
  });

  t.test('seqcol endpoints: /collection, /comparison, /attribute', async (t) => {
    const cases: [string, string | undefined, number][] = [
      [`/collection/${f.priv1}`, undefined, 401], [`/collection/${f.priv1}`, 'tok-b', 404],
      [`/collection/${f.priv1}`, 'tok-a', 200], [`/collection/${f.priv1}?level=1`, 'tok-all', 200],
      [`/comparison/${f.pub}/${f.priv1}`, undefined, 401], [`/comparison/${f.priv1}/${f.pub}`, 'tok-b', 404],
      [`/comparison/${f.pub}/${f.priv1}`, 'tok-a', 200], [`/comparison/${f.priv2}/${f.priv1}`, 'tok-all', 200],
      ['/collections/private1/sequences', undefined, 401], [`/collections/${f.priv1}/sequences`, 'tok-b', 404],
      ['/collections/private1/sequences', 'tok-a', 200],
    ];
    for (const [url, token, status] of cases) t.equal((await get(url, token)).statusCode, status, `${url} token ${token}`);
    const notFound = (await get(`/collection/${f.priv1}`, 'tok-b')).json() as { error: string };
    t.equal(notFound.error, 'COLLECTION_NOT_FOUND');
    const post = (token?: string) => app.inject({ method: 'POST', url: `/comparison/${f.priv1}`, headers: bearer(token), payload: { names: ['x'], lengths: [1], sequences: ['SQ.x'] } });
    t.equal((await post()).statusCode, 401);
    t.equal((await post('tok-b')).statusCode, 404);
    t.equal((await post('tok-a')).statusCode, 200);

    const l1 = (await get(`/collection/${f.priv1}?level=1`, 'tok-all')).json() as Record<string, string>;
    const pubL1 = (await get(`/collection/${f.pub}?level=1`)).json() as Record<string, string>;
    t.equal((await get(`/attribute/collection/lengths/${l1.lengths}`)).statusCode, 404, 'private attribute hidden without a token');
    t.equal((await get(`/attribute/collection/lengths/${l1.lengths}`, 'tok-b')).statusCode, 404, 'private attribute hidden without the grant');
    t.equal((await get(`/attribute/collection/lengths/${l1.lengths}`, 'tok-a')).statusCode, 200);
    t.equal((await get(`/attribute/collection/lengths/${pubL1.lengths}`)).statusCode, 200);

    const list = async (url: string, token?: string) => (await get(url, token)).json() as { results: string[]; pagination: { total: number } };
    const anonList = await list('/list/collection');
    t.same(anonList.results, [f.pub], 'no token: only the public collection');
    t.equal(anonList.pagination.total, 1);
    t.same((await list('/list/collection', 'tok-a')).results, [f.pub, f.priv1].sort());
    t.same((await list('/list/collection', 'tok-all')).results, [f.pub, f.priv1, f.priv2].sort());
    t.same((await list(`/list/collection?lengths=${l1.lengths}`)).results, [], 'filtered: private rows omitted');
    t.same((await list(`/list/collection?lengths=${l1.lengths}`, 'tok-a')).results, [f.priv1]);
    const attrs = await list('/list/attributes/lengths');
    t.same(attrs.results, [pubL1.lengths]);
    t.equal(attrs.pagination.total, 1);
    t.equal((await list('/list/attributes/lengths', 'tok-all')).pagination.total, 3);
  });

  t.test('discovery listings omit what the caller may not see, totals included', async (t) => {
    const collections = async (token?: string, query = '') => (await get(`/collections${query}`, token)).json() as { total: number; results: { digest: string; names: string[] }[] };
    const anon = await collections();
    t.same(anon.results.map((r) => r.names), [['public']]);
    t.equal(anon.total, 1);
    t.same((await collections('tok-b')).results.map((r) => r.digest).sort(), [f.pub, f.priv2].sort());
    t.equal((await collections('tok-all')).total, 3);
    t.same(await collections(undefined, '?name=private1'), { total: 0, limit: 1000, offset: 0, results: [] });
    t.equal((await collections('tok-a', '?name=private1')).total, 1);
    const tsv = await app.inject({ url: '/collections?format=tsv' });
    t.notMatch(tsv.body, /private/, 'TSV too');
    t.equal(tsv.headers['x-total-count'], '1');

    const aliases = async (token?: string, query = '') => (await get(`/aliases${query}`, token)).json() as { total: number; results: { alias: string }[] };
    const anonAliases = await aliases();
    t.same(anonAliases.results.map((r) => r.alias), ['pubonly', 'shared'], 'no token: aliases of public sequences only (shared included)');
    t.equal(anonAliases.total, 2);
    t.same((await aliases('tok-a')).results.map((r) => r.alias), ['pubonly', 'secret', 'shared']);
    t.equal((await aliases('tok-all')).total, 4);
    t.same(await aliases(undefined, '?alias=secret'), { total: 0, limit: 1000, offset: 0, results: [] });
    t.equal((await aliases(undefined, '?prefix=s&limit=1')).total, 1, 'prefix filter + hidden');
    t.equal((await aliases('tok-a', '?naming_authority=ex&prefix=s&limit=1&offset=1')).results[0]?.alias, 'shared', 'keyset paging with the filter');

    const authorities = async (token?: string) => ((await get('/naming-authorities', token)).json() as { results: { naming_authority: string; alias_count: number }[] }).results;
    t.same((await authorities()).map((r) => [r.naming_authority, r.alias_count]), [['ex', 2]], 'alias counts leave out hidden aliases');
    t.same((await authorities('tok-all')).map((r) => [r.naming_authority, r.alias_count]), [['ex', 4]]);
  });

  t.test('batch metadata: per-id 401/404 results', async (t) => {
    const batch = async (token?: string) => ((await app.inject({
      method: 'POST', url: '/sequence/metadata', headers: bearer(token), payload: { ids: [md5(SHARED), md5(SECRET), UNKNOWN, 'ex:other'] },
    })).json() as { results: { error?: string; metadata?: unknown }[] }).results.map((r) => r.error ?? 'ok');
    t.same(await batch(), ['ok', 'UNAUTHORIZED', 'SEQUENCE_NOT_FOUND', 'UNAUTHORIZED']);
    t.same(await batch('tok-b'), ['ok', 'SEQUENCE_NOT_FOUND', 'SEQUENCE_NOT_FOUND', 'ok']);
    t.same(await batch('tok-a'), ['ok', 'ok', 'SEQUENCE_NOT_FOUND', 'SEQUENCE_NOT_FOUND']);
    t.same(await batch('tok-all'), ['ok', 'ok', 'SEQUENCE_NOT_FOUND', 'ok']);
    const bad = await app.inject({ method: 'POST', url: '/sequence/metadata', headers: bearer('nope'), payload: { ids: [md5(SHARED)] } });
    t.equal(bad.statusCode, 401);
  });
});

t.test('without a tokens file everything is public and Authorization is ignored', async (t) => {
  const f = await privateStore(t);
  const app = await buildTestApp(t, f.store);
  t.equal((await app.inject({ url: `/sequence/${md5(SECRET)}` })).statusCode, 200);
  t.equal((await app.inject({ url: `/collection/${f.priv1}`, headers: { authorization: 'Bearer whatever' } })).statusCode, 200);
  t.equal(((await app.inject({ url: '/collections' })).json() as { total: number }).total, 3);
});

t.test('tokens-file mistakes stop the app at start, naming file and line', async (t) => {
  const f = await privateStore(t);
  const cases: [string, RegExp][] = [
    ['tok-a\tprivate1\nno-tab-here\n', /tokens\.tsv:2: expected token<TAB>collection/],
    ['tok-a\tprivate1\ttoo-many\n', /tokens\.tsv:1: .*3 tab-separated fields/],
    ['tok-a\tprivate1\ntok-a\tprivate2\n', /tokens\.tsv:2: this token is already defined/],
    ['tok-a\tprivate1,,private2\n', /tokens\.tsv:1: empty collection name or digest/],
    ['tok-a\t*,private1\n', /tokens\.tsv:1: '\*' grants every private collection/],
    ['\tprivate1\n', /tokens\.tsv:1: the token must be non-empty/],
    ['tok-a\tprivate1,GRCh99\ntok-b\tnope\n', /no stored collection with digest or name 'GRCh99', 'nope'/],
  ];
  for (const [text, message] of cases) {
    const file = tokensFile(f.dir, text);
    await t.rejects(buildTestApp(t, f.store, { tokensFile: file }), { name: 'ConfigError', message }, JSON.stringify(text));
  }
  await t.rejects(buildTestApp(t, f.store, { tokensFile: join(f.dir, 'missing.tsv') }), { name: 'ConfigError', message: /cannot read tokens file/ });
});
