// GET / (a page for browsers, service-info for JSON clients) and every URL the server writes
// behind a reverse proxy's path prefix: X-Forwarded-Prefix, --base-path, and what a hostile
// value of either header does (nothing: it is ignored, and nothing it carries reaches the page).
import t from 'tap';
import { buildTestApp, sampleStore } from '../helpers/sample-store.js';
import { parseBasePath } from '../../src/config.js';
import { BROWSER_ACCEPT } from '../helpers/refget-expected.js';

const store = await sampleStore(t);
const app = await buildTestApp(t, store);
const based = await buildTestApp(t, store, { basePath: '/lab/refget' });

t.test('JSON clients get service-info at /; browsers get the landing page; others 406', async (t) => {
  const info = JSON.parse((await app.inject({ url: '/service-info' })).body) as unknown;
  for (const accept of [undefined, '*/*', 'application/json', 'application/vnd.ga4gh.refget.v2.0.0+json']) {
    const res = await app.inject({ url: '/', headers: accept === undefined ? {} : { accept } });
    t.equal(res.statusCode, 200, `Accept ${accept ?? '(none)'}`);
    t.same(JSON.parse(res.body), info, `Accept ${accept ?? '(none)'}: the service-info document`);
  }
  const page = await app.inject({ url: '/', headers: { accept: BROWSER_ACCEPT, host: 'refget.example.org' } });
  t.equal(page.statusCode, 200);
  t.equal(page.headers['content-type'], 'text/html; charset=utf-8');
  t.match(page.headers.vary, /Accept/);
  for (const href of ['/docs/', '/openapi.json', '/service-info', '/list/collection']) {
    t.ok(page.body.includes(`href="${href}"`), `links to ${href}`);
  }
  t.ok(page.body.includes("REF_PATH='http://refget.example.org/sequence/%s'"), 'the REF_PATH line names this server');
  t.ok(page.body.includes('seqrepo+http://refget.example.org/seqrepo'), 'the VRS data proxy line');
  t.equal((await app.inject({ url: '/', headers: { accept: 'image/png' } })).statusCode, 406);
  t.equal((await app.inject({ url: '/?accept=text/html' })).headers['content-type'], 'text/html; charset=utf-8');
});

t.test('behind a prefix: links, redirects, OpenAPI servers', async (t) => {
  const headers = { accept: 'text/html', host: 'example.org', 'x-forwarded-prefix': '/refget', 'x-forwarded-proto': 'https' };
  const page = await app.inject({ url: '/', headers });
  t.ok(page.body.includes('href="/refget/docs/"'), 'links carry the prefix');
  t.ok(page.body.includes("REF_PATH='https://example.org/refget/sequence/%s'"), 'and the copyable lines the scheme and host');
  t.match(page.headers.vary, /X-Forwarded-Prefix/);
  for (const [path, prefix, inst] of [
    ['/docs', '', app],
    ['/docs?x=1', '', app],
    ['/docs/static/index.html', '', app],
    ['/docs', '/refget', app],
    ['/docs', '/lab/refget', based],
  ] as const) {
    const res = await inst.inject({ url: path, headers: prefix === '/refget' ? { 'x-forwarded-prefix': prefix } : {} });
    t.equal(res.statusCode, 302, `${path} (${prefix || 'no prefix'})`);
    t.equal(res.headers.location, `${prefix}/docs/`, `${path} → ${prefix}/docs/`);
  }
  const ui = await app.inject({ url: '/docs/', headers: { 'x-forwarded-prefix': '/refget' } });
  t.equal(ui.statusCode, 200);
  const assets = [...ui.body.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1]!);
  t.ok(assets.length >= 4, `${assets.length} asset links`);
  t.same(
    assets.filter((a) => !a.startsWith('./')),
    [],
    'every asset link of /docs/ is relative (resolves under any prefix)',
  );
  for (const [inst, headers, url] of [
    [app, {}, '/'],
    [app, { 'x-forwarded-prefix': '/refget/' }, '/refget'],
    [based, {}, '/lab/refget'],
    [based, { 'x-forwarded-prefix': '/other' }, '/other'],
  ] as const) {
    for (const doc of ['/openapi.json', '/docs/json']) {
      const res = await inst.inject({ url: doc, headers });
      t.same((JSON.parse(res.body) as { servers: unknown }).servers, [{ url }], `${doc} servers with ${JSON.stringify(headers)}`);
    }
  }
});

t.test('hostile prefixes and hosts are ignored and never reach the page', async (t) => {
  for (const prefix of [
    '"><script>alert(1)</script>',
    '/a/../b',
    '/a b',
    'no-leading-slash',
    '//evil.example',
    `/${'a'.repeat(300)}`,
    '/a?b',
    '/a#b',
  ]) {
    const res = await app.inject({ url: '/', headers: { accept: 'text/html', 'x-forwarded-prefix': prefix, host: 'h.example' } });
    t.equal(res.statusCode, 200, JSON.stringify(prefix).slice(0, 40));
    t.ok(res.body.includes('href="/docs/"'), `${JSON.stringify(prefix).slice(0, 40)}: ignored`);
    t.notOk(res.body.includes('<script'), 'no injected markup');
    const docs = await app.inject({ url: '/docs', headers: { 'x-forwarded-prefix': prefix } });
    t.equal(docs.headers.location, '/docs/', 'the redirect stays on this server');
  }
  for (const host of ['"><script>x</script>', 'a b', 'evil.example/path', 'user@evil.example']) {
    const res = await app.inject({ url: '/', headers: { accept: 'text/html', host } });
    t.notOk(res.body.includes('<script>x'), `host ${JSON.stringify(host)}: no markup`);
    t.ok(res.body.includes("REF_PATH='/sequence/%s'"), `host ${JSON.stringify(host)}: lines fall back to a path`);
  }
});

t.test('--base-path values', async (t) => {
  t.equal(parseBasePath(''), '');
  t.equal(parseBasePath('/refget'), '/refget');
  t.equal(parseBasePath('/lab/refget/'), '/lab/refget');
  for (const bad of ['refget', '/a/../b', '/a b', '/<x>', '//', '/a?b', `/${'a'.repeat(250)}`]) {
    t.throws(() => parseBasePath(bad), TypeError, JSON.stringify(bad));
  }
});
