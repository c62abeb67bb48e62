// Private collections through app.inject. The store holds a public collection, a private one that
// shares a sequence with it (under a private record name) and holds a private-only sequence, and
// a second private one under a private naming authority. The rule under test: without a token
// granting it, anything private is indistinguishable from something that does not exist. Two
// independent expectations: (1) every endpoint and id form answers a private id exactly as it
// answers an unknown id of the same form (the id text swapped), without a token and with a token
// for another collection; (2) every listing, metadata, FASTA header and metric seen without a
// token equals what a store holding only the public file answers.
import t from 'tap';
import { createHash } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { runIngest } from '../../src/cli/ingest-command.js';
import { buildTestApp, tempDir } from '../helpers/sample-store.js';
import type { Test } from '../helpers/refget-expected.js';

/** An id without its `prefix:` (what a seqrepo client may send bare). */
const bare = (id: string): string => (id.includes(':') ? id.slice(id.indexOf(':') + 1) : id);
const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
const ga4gh = (s: string): string => createHash('sha512').update(s).digest().subarray(0, 24).toString('base64url');
const trunc512 = (s: string): string => createHash('sha512').update(s).digest().subarray(0, 24).toString('hex');
const SHARED = 'ACGTACGTACGTACGTAAAA';
const PUBONLY = 'GGGGCCCCAAAATTTTGG';
const SECRET = 'TTTTGGGGCCCCAAAATTTTGGGGCCCC';
const OTHER = 'CATCATCATCATCAT';
const UNKNOWN_TEXT = 'NOTSTOREDANYWHERE';
const UNKNOWN = md5(UNKNOWN_TEXT);

interface Fixture {
  store: string;
  publicOnly: string;
  dir: string;
  pub: string;
  priv1: string;
  priv2: string;
}

const FILES: [file: string, name: string, authority: string, text: string][] = [
  ['pub.fa', 'public', 'ex', `>shared\n${SHARED}\n>pubonly\n${PUBONLY}\n`],
  // The shared sequence again, under a name only this private file uses.
  ['priv1.fa', 'private1', 'ex', `>hidden_name\n${SHARED}\n>secret\n${SECRET}\n`],
  ['priv2.fa', 'private2', 'privauth', `>other\n${OTHER}\n`],
];

async function privateStore(t: Test): Promise<Fixture> {
  const dir = tempDir(t);
  const store = join(dir, 'store');
  const publicOnly = join(dir, 'public-only');
  const digests: string[] = [];
  for (const [file, name, authority, text] of FILES) {
    writeFileSync(join(dir, file), text);
    const summary = await runIngest([join(dir, file)], { store, namingAuthority: authority, collectionName: name });
    digests.push(summary.collections[0]!.digest);
  }
  await runIngest([join(dir, 'pub.fa')], { store: publicOnly, namingAuthority: 'ex', collectionName: 'public' });
  return { store, publicOnly, dir, pub: digests[0]!, priv1: digests[1]!, priv2: digests[2]! };
}

function tokensFile(dir: string, text: string, name = 'tokens.tsv', mode = 0o600): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

const bearer = (token: string | undefined): Record<string, string> =>
  token === undefined ? {} : { authorization: `Bearer ${token}` };

interface Answer {
  status: number;
  type: string | undefined;
  cache: string | undefined;
  body: string;
}
async function answer(app: FastifyInstance, opts: InjectOptions, token?: string): Promise<Answer> {
  const res = await app.inject({
    ...opts,
    headers: { ...(opts.headers as Record<string, string> | undefined), ...bearer(token) },
  });
  return {
    status: res.statusCode,
    type: res.headers['content-type'] as string | undefined,
    cache: res.headers['cache-control'] as string | undefined,
    body: res.body,
  };
}

t.test('private collections', async (t) => {
  const f = await privateStore(t);
  // private1 granted by name, private2 by digest.
  const tokens = tokensFile(f.dir, `# comment\ntok-a\tprivate1\ntok-b\t${f.priv2}\n\ntok-all\t*\n`);
  const app = await buildTestApp(t, f.store, { tokensFile: tokens });
  const publicApp = await buildTestApp(t, f.publicOnly);
  const get = (url: string, token?: string) => app.inject({ url, headers: bearer(token) });
  const l1 = (await get(`/collection/${f.priv1}?level=1`, 'tok-all')).json() as Record<string, string>;

  t.test('every endpoint answers a private id exactly as an unknown id of the same form', async (t) => {
    // [private value, unknown value of the same form]
    const sequenceIds: [string, string][] = [
      [md5(SECRET), UNKNOWN],
      [`md5:${md5(SECRET)}`, `md5:${UNKNOWN}`],
      [`SQ.${ga4gh(SECRET)}`, `SQ.${ga4gh(UNKNOWN_TEXT)}`],
      [`ga4gh:SQ.${ga4gh(SECRET)}`, `ga4gh:SQ.${ga4gh(UNKNOWN_TEXT)}`],
      [trunc512(SECRET), trunc512(UNKNOWN_TEXT)],
      [`trunc512:${trunc512(SECRET)}`, `trunc512:${trunc512(UNKNOWN_TEXT)}`],
      [md5(OTHER), md5('X' + UNKNOWN_TEXT)],
      ['ex:secret', 'ex:nosuch'],
      ['EX:secret', 'EX:nosuch'],
      // a private name of a public sequence, and a private authority
      ['ex:hidden_name', 'ex:nosuch_name'],
      ['privauth:other', 'nosuchauth:other'],
    ];
    // Digests no collection has (fixed: the same requests every run).
    const unstored = (label: string): string => createHash('sha512').update(label).digest().subarray(0, 24).toString('base64url');
    const unknownDigest = unstored('unknown collection');
    const collections: [string, string][] = [
      [f.priv1, unknownDigest],
      ['private1', 'nosuchcol'],
      [f.priv2, unstored('another unknown collection')],
    ];
    const attributes: [string, string][] = [
      [l1.lengths!, unstored('unknown lengths')],
      [l1.names!, unstored('unknown names')],
    ];
    const requests: [string, (v: string) => InjectOptions][] = [
      ['GET sequence', (v) => ({ url: `/sequence/${v}` })],
      ['GET sequence start/end', (v) => ({ url: `/sequence/${v}?start=1&end=5` })],
      ['GET sequence Range', (v) => ({ url: `/sequence/${v}`, headers: { range: 'bytes=0-3' } })],
      ['GET sequence FASTA', (v) => ({ url: `/sequence/${v}`, headers: { accept: 'text/x-fasta' } })],
      ['HEAD sequence', (v) => ({ method: 'HEAD', url: `/sequence/${v}` })],
      ['GET metadata', (v) => ({ url: `/sequence/${v}/metadata` })],
      ['GET cram md5', (v) => ({ url: `/cram/md5/${v}` })],
      ['GET search', (v) => ({ url: `/search?q=${encodeURIComponent(v)}` })],
      ['GET search bare', (v) => ({ url: `/search?q=${encodeURIComponent(bare(v))}` })],
      ['GET sequence collections', (v) => ({ url: `/sequence/${v}/collections` })],
      ['GET seqrepo sequence', (v) => ({ url: `/seqrepo/1/sequence/${v}?start=1&end=5` })],
      ['GET seqrepo metadata', (v) => ({ url: `/seqrepo/1/metadata/${v}` })],
      // the bare alias, looked up in every authority the caller may see
      ['GET seqrepo bare alias', (v) => ({ url: `/seqrepo/1/metadata/${bare(v)}` })],
      ['POST batch metadata', (v) => ({ method: 'POST', url: '/sequence/metadata', payload: { ids: [md5(SHARED), v] } })],
      ['GET aliases by alias', (v) => ({ url: `/aliases?alias=${encodeURIComponent(v.split(':').slice(1).join(':') || v)}` })],
    ];
    const collectionRequests: [string, (v: string) => InjectOptions][] = [
      ['GET collection', (v) => ({ url: `/collection/${v}` })],
      ['GET collection level 1', (v) => ({ url: `/collection/${v}?level=1` })],
      ['GET collection members', (v) => ({ url: `/collections/${v}/sequences` })],
      ['GET collections by name', (v) => ({ url: `/collections?name=${v}` })],
      ['GET search collection', (v) => ({ url: `/search?q=${encodeURIComponent(v)}` })],
      ['GET comparison a', (v) => ({ url: `/comparison/${v}/${f.pub}` })],
      ['GET comparison b', (v) => ({ url: `/comparison/${f.pub}/${v}` })],
      [
        'POST comparison',
        (v) => ({ method: 'POST', url: `/comparison/${v}`, payload: { names: ['x'], lengths: [1], sequences: ['SQ.x'] } }),
      ],
    ];
    const attributeRequests: [string, (v: string) => InjectOptions][] = [
      ['GET attribute', (v) => ({ url: `/attribute/collection/lengths/${v}` })],
      ['GET attribute names', (v) => ({ url: `/attribute/collection/names/${v}` })],
      ['GET list filtered', (v) => ({ url: `/list/collection?lengths=${v}` })],
      ['GET list filtered names', (v) => ({ url: `/list/collection?names=${v}` })],
    ];
    let compared = 0;
    for (const token of [undefined, 'tok-b', 'tok-a']) {
      const groups: [[string, string][], [string, (v: string) => InjectOptions][]][] = [
        [sequenceIds, requests],
        [collections, collectionRequests],
        [attributes, attributeRequests],
      ];
      for (const [values, reqs] of groups) {
        for (const [secret, unknown] of values) {
          // tok-b may see private2 and tok-a private1: each is compared only on what it may not see.
          if (token === 'tok-b' && (secret === md5(OTHER) || secret === f.priv2 || secret === 'privauth:other')) continue;
          if (token === 'tok-a' && !(secret === md5(OTHER) || secret === f.priv2 || secret === 'privauth:other')) continue;
          for (const [label, make] of reqs) {
            const hidden = await answer(app, make(secret), token);
            const none = await answer(app, make(unknown), token);
            const swap = (s: string): string => s.split(secret).join(unknown).split(bare(secret)).join(bare(unknown));
            t.same({ ...hidden, body: swap(hidden.body) }, none, `${label} ${secret} (token ${token ?? 'none'})`);
            compared++;
          }
        }
      }
    }
    t.comment(`${compared} private/unknown answer pairs compared`);
  });

  t.test('what a caller without a token sees equals a store holding only the public file', async (t) => {
    // The two stores were written at different instants: times are compared for shape only.
    const strip = (body: string): unknown => {
      try {
        return JSON.parse(body, (k, v: unknown) => (k === 'loaded_at' || k === 'added_at' || k === 'added' ? '<time>' : v));
      } catch {
        return body.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>');
      }
    };
    const urls = [
      '/aliases',
      '/aliases?format=tsv',
      '/aliases?prefix=h',
      '/aliases?naming_authority=privauth',
      '/naming-authorities',
      '/naming-authorities?format=csv',
      '/collections',
      '/collections?format=tsv',
      '/list/collection',
      '/list/attributes/lengths',
      '/list/attributes/names',
      '/list/attributes/sequences',
      `/collections/public/sequences`,
      '/collections/public/sequences?format=tsv',
      `/collection/${f.pub}?level=2`,
      `/sequence/${md5(SHARED)}/metadata`,
      `/sequence/${md5(SHARED)}/collections`,
      `/search?q=${md5(SHARED)}`,
      '/holdings',
      '/search?q=shared',
      '/search?q=hidden_name',
      `/seqrepo/1/metadata/${md5(SHARED)}`,
      `/sequence/ex:shared/metadata`,
      `/sequence/ex:hidden_name`,
      `/sequence/${md5(SHARED)}?accept=text/x-fasta`,
      '/service-info',
    ];
    for (const token of [undefined, 'tok-b']) {
      for (const url of urls) {
        if (
          token === 'tok-b' &&
          /privauth|attributes|\/collections(\?|$)|list\/collection|naming-authorities|service-info|holdings|^\/aliases(\?format=tsv)?$/.test(
            url,
          )
        )
          continue;
        const seen = await answer(app, { url }, token);
        const reference = await answer(publicApp, { url });
        t.same(
          { status: seen.status, type: seen.type, body: strip(seen.body) },
          { status: reference.status, type: reference.type, body: strip(reference.body) },
          `${url} (token ${token ?? 'none'})`,
        );
      }
    }
    const metric = (body: string, name: string): string | undefined => body.split('\n').find((l) => l.startsWith(`${name} `));
    const seen = (await get('/metrics')).body;
    const reference = (await publicApp.inject({ url: '/metrics' })).body;
    for (const name of ['refget_store_sequences', 'refget_store_collections'])
      t.equal(metric(seen, name), metric(reference, name), `${name} counts public records only`);
    t.equal(metric(seen, 'refget_store_size_bytes'), 'refget_store_size_bytes 0', 'no size: it would tell how much is private');
  });

  t.test('token holders see what they are granted, and responses to them are private', async (t) => {
    const seq = await get(`/sequence/${md5(SECRET)}`, 'tok-a');
    t.equal(seq.statusCode, 200);
    t.equal(seq.body, SECRET);
    t.match(seq.headers['cache-control'], /^private,/, 'a response to a token is not for shared caches');
    t.match((await get(`/sequence/${md5(SHARED)}`)).headers['cache-control'], /^public,/, 'public without a token');
    t.equal((await get('/sequence/ex:hidden_name', 'tok-a')).body, SHARED, 'the private name of a shared sequence, granted');
    const aliasesOf = async (token?: string) =>
      (
        (await get(`/sequence/${md5(SHARED)}/metadata`, token)).json() as { metadata: { aliases: { alias: string }[] } }
      ).metadata.aliases.map((a) => a.alias);
    t.same(await aliasesOf(), ['shared'], 'the shared sequence without a token: public names only');
    t.same(await aliasesOf('tok-b'), ['shared'], 'with a token for another collection: the same');
    t.same(await aliasesOf('tok-a'), ['hidden_name', 'shared'], 'with the grant: the private name too');
    t.match(
      (await get(`/sequence/${md5(SHARED)}?accept=text/x-fasta`, 'tok-a')).body,
      /^>SQ\.\S+ md5:\S+ ex:hidden_name ex:shared\n/,
    );
    t.equal((await get(`/sequence/${md5(OTHER)}/metadata`, 'tok-b')).statusCode, 200, 'granted by digest');
    t.equal((await get(`/collection/${f.priv1}`, 'tok-all')).statusCode, 200, '* grants every private collection');
    const authorities = async (token?: string) =>
      (
        (await get('/naming-authorities', token)).json() as { results: { naming_authority: string; alias_count: number }[] }
      ).results.map((r) => [r.naming_authority, r.alias_count]);
    t.same(await authorities(), [['ex', 2]], 'no token: the private authority is absent, counts are public');
    t.same(await authorities('tok-all'), [
      ['ex', 4],
      ['privauth', 1],
    ]);
  });

  t.test('a token that is not in the file is 401 on every path alike', async (t) => {
    for (const url of [
      '/service-info',
      `/sequence/${md5(SHARED)}`,
      `/sequence/${UNKNOWN}`,
      `/sequence/${md5(SECRET)}`,
      `/collection/${f.pub}`,
      '/collections',
    ]) {
      for (const authorization of ['Bearer nope', 'Basic dG9rLWE6', 'Bearer', 'tok-a']) {
        const res = await app.inject({ url, headers: { authorization } });
        t.equal(res.statusCode, 401, `${url} with '${authorization}'`);
        t.equal(res.headers['www-authenticate'], 'Bearer');
      }
    }
    t.equal(
      (await app.inject({ url: '/service-info', headers: { authorization: 'bearer tok-a' } })).statusCode,
      200,
      'scheme is case-insensitive',
    );
  });
});

t.test('a collection name cannot be moved silently; a moved name keeps its collections private', async (t) => {
  const f = await privateStore(t);
  const decoy = join(f.dir, 'decoy.fa');
  writeFileSync(decoy, '>decoy\nAAAACCCCGGGG\n');
  await t.rejects(
    runIngest([decoy], { store: f.store, collectionName: 'private1' }),
    { message: /collection name 'private1' already names collection .*pass --reassign-name/ },
    'reuse refused',
  );
  const moved = await runIngest([decoy], { store: f.store, collectionName: 'private1', reassignName: true });
  const tokens = tokensFile(f.dir, 'tok-a\tprivate1\n');
  const app = await buildTestApp(t, f.store, { tokensFile: tokens });
  t.equal(
    (await app.inject({ url: `/collection/${f.priv1}` })).statusCode,
    404,
    'the collection the line was written for stays private',
  );
  t.equal(
    (await app.inject({ url: `/collection/${moved.collections[0]!.digest}` })).statusCode,
    404,
    "the name's new collection is private too",
  );
  t.equal(
    (await app.inject({ url: `/collection/${f.priv1}`, headers: bearer('tok-a') })).statusCode,
    200,
    'the grant covers both',
  );
  t.equal(
    (await app.inject({ url: '/collections/private1/sequences', headers: bearer('tok-a') })).json().collection.digest,
    moved.collections[0]!.digest,
    'the name now refers to the new collection',
  );
});

t.test('without a tokens file everything is public and Authorization is ignored', async (t) => {
  const f = await privateStore(t);
  const app = await buildTestApp(t, f.store);
  t.equal((await app.inject({ url: `/sequence/${md5(SECRET)}` })).statusCode, 200);
  t.equal((await app.inject({ url: `/collection/${f.priv1}`, headers: { authorization: 'Bearer whatever' } })).statusCode, 200);
  t.equal(((await app.inject({ url: '/collections' })).json() as { total: number }).total, 3);
});

t.test('tokens-file mistakes stop the app at start, naming file and line; it fails closed', async (t) => {
  const f = await privateStore(t);
  const cases: [string, RegExp][] = [
    ['tok-a\tprivate1\nno-tab-here\n', /tokens\.tsv:2: expected token<TAB>collection/],
    ['tok-a\tprivate1\ttoo-many\n', /tokens\.tsv:1: .*3 tab-separated fields/],
    ['tok-a\tprivate1\ntok-a\tprivate2\n', /tokens\.tsv:2: this token is already defined/],
    ['tok-a\tprivate1,,private2\n', /tokens\.tsv:1: empty collection name or digest/],
    ['tok-a\t*,private1\n', /tokens\.tsv:1: '\*' grants every private collection/],
    ['\tprivate1\n', /tokens\.tsv:1: the token must be non-empty/],
    ['tok-a\tprivate1,GRCh99\ntok-b\tnope\n', /no stored collection with digest or name 'GRCh99', 'nope'/],
    // Files that would make everything public.
    ['', /makes no collection private .*--allow-all-public/],
    ['# only a comment\n\n', /makes no collection private/],
    ['tok-all\t*\n', /makes no collection private/],
  ];
  for (const [text, message] of cases) {
    const file = tokensFile(f.dir, text);
    await t.rejects(buildTestApp(t, f.store, { tokensFile: file }), { name: 'ConfigError', message }, JSON.stringify(text));
  }
  const allPublic = await buildTestApp(t, f.store, { tokensFile: tokensFile(f.dir, 'tok-all\t*\n'), allowAllPublic: true });
  t.equal(
    (await allPublic.inject({ url: `/sequence/${md5(SECRET)}` })).statusCode,
    200,
    '--allow-all-public: an explicit choice',
  );
  await t.rejects(buildTestApp(t, f.store, { tokensFile: join(f.dir, 'missing.tsv') }), {
    name: 'ConfigError',
    message: /cannot read tokens file/,
  });

  for (const [mode, message] of [
    [0o644, /mode 644: other users may read or write it; run 'chmod 600 .*tokens\.tsv'/],
    [0o604, /other users/],
    [0o660, /mode 660: its group may write it/],
    [0o666, /other users/],
  ] as const) {
    await t.rejects(
      buildTestApp(t, f.store, { tokensFile: tokensFile(f.dir, 'tok-a\tprivate1\n', 'tokens.tsv', mode) }),
      { name: 'ConfigError', message },
      `mode ${mode.toString(8)}`,
    );
  }
  const groupRead = await buildTestApp(t, f.store, { tokensFile: tokensFile(f.dir, 'tok-a\tprivate1\n', 'tokens.tsv', 0o640) });
  t.equal((await groupRead.inject({ url: `/sequence/${md5(SECRET)}` })).statusCode, 404, 'mode 640 is accepted');
});
