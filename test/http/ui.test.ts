// GET / (the browser pages' shell for a browser, service-info for JSON clients), the /ui/ pages
// and their files, and every URL the server writes behind a reverse proxy's path prefix:
// X-Forwarded-Prefix, --base-path, and what a hostile value does (nothing: it is ignored). The
// pages' behaviour in a browser is test/http/browser.test.ts.
import t from 'tap';
import { buildTestApp, sampleStore } from '../helpers/sample-store.js';
import { parseBasePath } from '../../src/config.js';
import { BROWSER_ACCEPT } from '../helpers/refget-expected.js';

const store = await sampleStore(t);
const app = await buildTestApp(t, store);
const based = await buildTestApp(t, store, { basePath: '/lab/refget' });
const baseHref = (html: string): string | undefined => /<base href="([^"]*)"/.exec(html)?.[1];

t.test('JSON clients get service-info at /; browsers get the pages; others 406', async (t) => {
  const info = JSON.parse((await app.inject({ url: '/service-info' })).body) as unknown;
  for (const accept of [undefined, '*/*', 'application/json', 'application/vnd.ga4gh.refget.v2.0.0+json']) {
    const res = await app.inject({ url: '/', headers: accept === undefined ? {} : { accept } });
    t.equal(res.statusCode, 200, `Accept ${accept ?? '(none)'}`);
    t.same(JSON.parse(res.body), info, `Accept ${accept ?? '(none)'}: the service-info document`);
  }
  const page = await app.inject({ url: '/', headers: { accept: BROWSER_ACCEPT } });
  t.equal(page.statusCode, 200);
  t.equal(page.headers['content-type'], 'text/html; charset=utf-8');
  t.match(page.headers.vary, /Accept/);
  t.equal(baseHref(page.body), '/ui/', 'the shell, its links relative to /ui/');
  t.match(page.headers['content-security-policy'], /default-src 'self'/, 'nothing from another host');
  t.equal((await app.inject({ url: '/', headers: { accept: 'image/png' } })).statusCode, 406);
  t.equal((await app.inject({ url: '/?accept=text/html' })).headers['content-type'], 'text/html; charset=utf-8');
});

t.test('/ui: the shell for every page path, its files, caching', async (t) => {
  const redirect = await app.inject({ url: '/ui' });
  t.equal(redirect.statusCode, 302);
  t.equal(redirect.headers.location, '/ui/');
  for (const path of [
    '/ui/',
    '/ui/search?q=x',
    '/ui/sequence/SQ.abc',
    '/ui/collection/abc',
    '/ui/compare/a/b',
    '/ui/index.html',
    '/ui/no/such/page',
  ]) {
    const res = await app.inject({ url: path });
    t.equal(res.statusCode, 200, path);
    t.equal(baseHref(res.body), '/ui/', `${path}: the shell`);
  }
  for (const [file, type] of [
    ['app.js', 'text/javascript; charset=utf-8'],
    ['app.css', 'text/css; charset=utf-8'],
  ] as const) {
    const res = await app.inject({ url: `/ui/${file}` });
    t.equal(res.statusCode, 200, file);
    t.equal(res.headers['content-type'], type);
    t.equal(res.headers['x-content-type-options'], 'nosniff');
    const etag = String(res.headers.etag);
    t.match(etag, /^"[A-Za-z0-9_-]+"$/);
    t.equal(
      (await app.inject({ url: `/ui/${file}`, headers: { 'if-none-match': etag } })).statusCode,
      304,
      `${file}: 304 when unchanged`,
    );
  }
  t.notMatch(
    (await app.inject({ url: '/ui/app.js' })).body,
    /https?:\/\/(?!www\.w3\.org\/2000\/svg)/,
    'the script names no other host',
  );
});

t.test('behind a prefix: the shell, redirects, OpenAPI servers', async (t) => {
  const page = await app.inject({ url: '/ui/sequence/x', headers: { 'x-forwarded-prefix': '/refget' } });
  t.equal(baseHref(page.body), '/refget/ui/', 'the base carries the prefix');
  t.match(page.headers.vary, /X-Forwarded-Prefix/);
  t.equal(baseHref((await based.inject({ url: '/ui/' })).body), '/lab/refget/ui/', '--base-path');
  for (const [path, prefix, inst] of [
    ['/docs', '', app],
    ['/docs?x=1', '', app],
    ['/docs/static/index.html', '', app],
    ['/docs', '/refget', app],
    ['/docs', '/lab/refget', based],
    ['/ui', '/refget', app],
    ['/ui', '/lab/refget', based],
  ] as const) {
    const res = await inst.inject({ url: path, headers: prefix === '/refget' ? { 'x-forwarded-prefix': prefix } : {} });
    t.equal(res.statusCode, 302, `${path} (${prefix || 'no prefix'})`);
    t.equal(res.headers.location, `${prefix}${path.startsWith('/ui') ? '/ui/' : '/docs/'}`, `${path} → under ${prefix || '/'}`);
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

t.test('hostile prefixes are ignored and never reach the page', async (t) => {
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
    const res = await app.inject({ url: '/', headers: { accept: 'text/html', 'x-forwarded-prefix': prefix } });
    t.equal(res.statusCode, 200, JSON.stringify(prefix).slice(0, 40));
    t.equal(baseHref(res.body), '/ui/', `${JSON.stringify(prefix).slice(0, 40)}: ignored`);
    t.notOk(res.body.includes('<script>alert'), 'no injected markup');
    const docs = await app.inject({ url: '/docs', headers: { 'x-forwarded-prefix': prefix } });
    t.equal(docs.headers.location, '/docs/', 'the redirect stays on this server');
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
