// The app as a whole, through app.inject: CORS (spec §2.1, checklist R14), 404 for unknown routes,
// the error body shape ({"error","message"}, never a stack trace) for every kind of failure,
// OpenAPI at /openapi.json with the refget and seqcol paths, and the /docs HTML page.
import t from 'tap';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildTestApp, sampleStore } from '../helpers/sample-store.js';
import { type Test, REFGET_JSON_TYPE as JSON_TYPE } from '../helpers/refget-expected.js';

type Res = LightMyRequestResponse;

const SEQ_TYPE = 'text/vnd.ga4gh.refget.v2.0.0+plain; charset=us-ascii';
const ORIGIN = 'https://genome.example.org';
// expected-ids.json
const I_MD5 = '6681ac2f62509cfc220d78751b8dc524';
const NC_MD5 = '3332ed720ac7eaa9b3655c06f6b9e196';
const I_GA4GH = 'SQ.lZyxiD_ByprhOUzrR1o1bq0ezO_1gkrn';

/** Header list values compared case-insensitively as sets of tokens. */
const tokens = (v: unknown): string[] =>
  String(v ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');

/** The error body contract: JSON, refget JSON type, string error + message, no stack or internals. */
function assertErrorBody(t: Test, res: Res, status: number, msg: string): Record<string, unknown> {
  t.equal(res.statusCode, status, `${msg}: status ${status}`);
  t.equal(res.headers['content-type'], JSON_TYPE, `${msg}: content-type`);
  t.equal(res.headers['content-length'], String(res.rawPayload.length), `${msg}: content-length`);
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(res.body) as Record<string, unknown>;
  } catch {
    t.fail(`${msg}: body is JSON`, { body: res.body.slice(0, 200) });
    return body;
  }
  t.type(body.error, 'string', `${msg}: error is a string`);
  t.type(body.message, 'string', `${msg}: message is a string`);
  t.match(body.error, /^[A-Z][A-Z0-9_]+$/, `${msg}: error is a machine-readable code`);
  t.notOk('stack' in body, `${msg}: no stack key`);
  t.notOk('statusCode' in body, `${msg}: status is not repeated in the body`);
  t.notMatch(res.body, /\bat .+\.(?:ts|js|mjs|cjs):\d+/, `${msg}: no stack frames`);
  t.notMatch(res.body, /node_modules|\/work\/|\/tmp\//, `${msg}: no server paths`);
  t.notMatch(res.body, /[^\x20-\x7e]/, `${msg}: ASCII only`);
  return body;
}

const storeDir = await sampleStore(t);
const app = await buildTestApp(t, storeDir, { circularSupported: true, subsequenceLimit: 100_000 });
const linearApp = await buildTestApp(t, storeDir, { circularSupported: false });
// An app whose store is closed under it: every store access throws, like a broken disk would.
const brokenApp = await buildTestApp(t, storeDir);
brokenApp.store.close();
// A collection digest that exists, for the seqcol CORS checks.
const someCollection =
  (JSON.parse((await app.inject({ url: '/list/collection?page_size=1' })).body) as { results: string[] }).results[0] ?? '';

t.test('R14: Access-Control-Allow-Origin: * on every kind of response', async (t) => {
  const requests: { opts: InjectOptions; status: number; app?: FastifyInstance }[] = [
    { opts: { url: `/sequence/${I_MD5}` }, status: 200 },
    { opts: { url: `/sequence/${I_MD5}`, headers: { range: 'bytes=0-9' } }, status: 206 },
    { opts: { url: `/sequence/${I_MD5}?start=0&end=10` }, status: 200 },
    { opts: { url: `/sequence/${I_MD5}`, headers: { 'if-none-match': '*' } }, status: 304 },
    { opts: { url: `/sequence/${I_MD5}/metadata` }, status: 200 },
    { opts: { url: '/sequence/service-info' }, status: 200 },
    { opts: { url: '/service-info' }, status: 200 },
    { opts: { url: `/collection/${someCollection}` }, status: 200 },
    { opts: { url: '/list/collection' }, status: 200 },
    { opts: { url: '/openapi.json' }, status: 200 },
    { opts: { url: `/sequence/${I_MD5}?start=abc` }, status: 400 },
    { opts: { url: `/sequence/${I_MD5}`, headers: { range: 'bytes=x' } }, status: 400 },
    { opts: { url: '/sequence/Garbagechecksum' }, status: 404 },
    { opts: { url: '/no/such/route' }, status: 404 },
    { opts: { url: `/sequence/${I_MD5}`, headers: { accept: 'embl/some_json' } }, status: 406 },
    { opts: { url: `/sequence/${I_MD5}?start=0` }, status: 416 },
    { opts: { url: `/sequence/${NC_MD5}?start=20&end=4` }, status: 501, app: linearApp },
    { opts: { url: `/sequence/${I_MD5}` }, status: 500, app: brokenApp },
  ];
  for (const withOrigin of [false, true]) {
    for (const r of requests) {
      const headers = { ...(r.opts.headers as Record<string, string> | undefined), ...(withOrigin ? { origin: ORIGIN } : {}) };
      const res = await (r.app ?? app).inject({ ...r.opts, headers });
      const label = `${r.opts.method ?? 'GET'} ${String(r.opts.url)} ${JSON.stringify(r.opts.headers ?? {})}${withOrigin ? ' + Origin' : ''}`;
      t.equal(res.statusCode, r.status, `${label}: status`);
      t.equal(res.headers['access-control-allow-origin'], '*', `${label}: ACAO *`);
      t.notOk(res.headers['access-control-allow-credentials'], `${label}: no credentials with *`);
      const exposed = tokens(res.headers['access-control-expose-headers']);
      for (const h of ['content-range', 'accept-ranges', 'content-length', 'etag']) {
        t.ok(exposed.includes(h), `${label}: exposes ${h}`);
      }
    }
  }
});

t.test('R14: preflight allows Range (and the other request headers a client needs)', async (t) => {
  for (const url of [
    `/sequence/${I_MD5}`,
    `/sequence/${I_GA4GH}/metadata`,
    '/sequence/service-info',
    '/comparison/abc',
    '/anything',
  ]) {
    const res = await app.inject({
      method: 'OPTIONS',
      url,
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'range, if-none-match',
      },
    });
    t.equal(res.statusCode, 204, `${url}: preflight 204`);
    t.equal(res.headers['access-control-allow-origin'], '*', `${url}: ACAO`);
    const methods = tokens(res.headers['access-control-allow-methods']);
    for (const m of ['get', 'head', 'post']) t.ok(methods.includes(m), `${url}: allows ${m}`);
    const allowed = tokens(res.headers['access-control-allow-headers']);
    for (const h of ['range', 'if-range', 'accept', 'if-none-match', 'content-type'])
      t.ok(allowed.includes(h), `${url}: allows ${h}`);
    t.ok(Number(res.headers['access-control-max-age']) > 0, `${url}: preflight is cacheable`);
    t.equal(res.rawPayload.length, 0, `${url}: empty preflight body`);
  }
});

t.test('unknown routes and methods → 404 with the error body', async (t) => {
  const requests: InjectOptions[] = [
    { method: 'POST', url: '/' },
    { url: '/nope' },
    { url: '/sequence' },
    { url: '/sequence/' },
    { url: `/sequences/${I_MD5}` },
    { url: `/sequence/${I_MD5}/metadata/extra` },
    { url: `/sequence/${I_MD5}/meta` },
    { url: '/refget/1/sequence/service-info' },
    { method: 'POST', url: `/sequence/${I_MD5}` },
    { method: 'PUT', url: `/sequence/${I_MD5}` },
    { method: 'DELETE', url: '/service-info' },
    { method: 'PATCH', url: '/collection/abc' },
    { url: '/nope?start=1&secret=zzz' },
  ];
  for (const opts of requests) {
    const label = `${opts.method ?? 'GET'} ${String(opts.url)}`;
    const body = assertErrorBody(t, await app.inject(opts), 404, label);
    t.equal(body.error, 'NOT_FOUND', `${label}: NOT_FOUND`);
    t.notMatch(String(body.message), /secret/, `${label}: the query string is not echoed`);
  }
  // A HEAD to an unknown route: 404, no body.
  const head = await app.inject({ method: 'HEAD', url: '/nope' });
  t.equal(head.statusCode, 404, 'HEAD unknown route');
  t.equal(head.rawPayload.length, 0, 'HEAD 404 has no body');
});

t.test('every kind of failure answers {"error","message"} without a stack trace', async (t) => {
  const cases: { label: string; opts: InjectOptions; status: number; code?: string; app?: FastifyInstance }[] = [
    { label: 'bad start (AppError 400)', opts: { url: `/sequence/${I_MD5}?start=abc` }, status: 400, code: 'INVALID_PARAMETER' },
    { label: 'start > L', opts: { url: `/sequence/${I_MD5}?start=999999` }, status: 400, code: 'INVALID_PARAMETER' },
    {
      label: 'bad Range',
      opts: { url: `/sequence/${I_MD5}`, headers: { range: 'bytes=1-2,4-5' } },
      status: 400,
      code: 'INVALID_RANGE',
    },
    {
      label: 'Range + start',
      opts: { url: `/sequence/${I_MD5}?start=1`, headers: { range: 'bytes=1-2' } },
      status: 400,
      code: 'RANGE_WITH_QUERY',
    },
    { label: 'repeated start', opts: { url: `/sequence/${I_MD5}?start=1&start=2` }, status: 400 },
    { label: 'unknown id', opts: { url: '/sequence/some1111garbage1111ID' }, status: 404, code: 'SEQUENCE_NOT_FOUND' },
    {
      label: 'unknown id metadata',
      opts: { url: '/sequence/some1111garbage1111ID/metadata' },
      status: 404,
      code: 'SEQUENCE_NOT_FOUND',
    },
    { label: 'unknown collection', opts: { url: '/collection/nope' }, status: 404 },
    {
      label: 'bad Accept',
      opts: { url: `/sequence/${I_MD5}`, headers: { accept: 'embl/some_json' } },
      status: 406,
      code: 'NOT_ACCEPTABLE',
    },
    {
      label: 'bad Accept metadata',
      opts: { url: `/sequence/${I_MD5}/metadata`, headers: { accept: 'embl/some_json' } },
      status: 406,
      code: 'NOT_ACCEPTABLE',
    },
    { label: 'limit exceeded', opts: { url: `/sequence/${I_MD5}?start=0` }, status: 416, code: 'RANGE_NOT_SATISFIABLE' },
    {
      label: 'unsatisfiable Range',
      opts: { url: `/sequence/${NC_MD5}`, headers: { range: 'bytes=9999-99999' } },
      status: 416,
      code: 'RANGE_NOT_SATISFIABLE',
    },
    {
      label: 'no circular support',
      opts: { url: `/sequence/${NC_MD5}?start=20&end=4` },
      status: 501,
      code: 'CIRCULAR_UNSUPPORTED',
      app: linearApp,
    },
    {
      label: 'malformed JSON body',
      opts: {
        method: 'POST',
        url: `/comparison/${someCollection}`,
        headers: { 'content-type': 'application/json' },
        payload: '{"names": [',
      },
      status: 400,
    },
    {
      label: 'body of the wrong type',
      opts: {
        method: 'POST',
        url: `/comparison/${someCollection}`,
        headers: { 'content-type': 'application/json' },
        payload: '[1,2]',
      },
      status: 400,
    },
    {
      label: 'unsupported body media type',
      opts: {
        method: 'POST',
        url: `/comparison/${someCollection}`,
        headers: { 'content-type': 'application/xml' },
        payload: '<a/>',
      },
      status: 415,
    },
    {
      label: 'body too large',
      opts: {
        method: 'POST',
        url: `/comparison/${someCollection}`,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ names: ['x'.repeat(5 << 20)] }),
      },
      status: 413,
    },
    { label: 'store failure (500)', opts: { url: `/sequence/${I_MD5}` }, status: 500, app: brokenApp },
    { label: 'store failure metadata (500)', opts: { url: `/sequence/${I_MD5}/metadata` }, status: 500, app: brokenApp },
    { label: 'store failure seqcol (500)', opts: { url: '/list/collection' }, status: 500, app: brokenApp },
  ];
  for (const c of cases) {
    const res = await (c.app ?? app).inject(c.opts);
    const body = assertErrorBody(t, res, c.status, c.label);
    if (c.code !== undefined) t.equal(body.error, c.code, `${c.label}: code ${c.code}`);
    if (c.status >= 500) {
      t.equal(body.message, 'Internal Server Error', `${c.label}: a 5xx says nothing about internals`);
      t.notMatch(res.body, /database|sqlite|connection|TypeError/i, `${c.label}: the cause stays in the log`);
    }
    t.equal(
      res.headers['cache-control'],
      res.statusCode >= 500 ? 'no-store' : undefined,
      `${c.label}: errors are not cacheable (5xx: no-store)`,
    );
    t.notOk(res.headers.etag, `${c.label}: no ETag on an error`);
  }
});

t.test('router-level failures (malformed percent-encoding, over-long id) keep the error shape', async (t) => {
  const cases: { url: string; status: number }[] = [
    { url: '/sequence/%zz', status: 400 },
    { url: `/sequence/${'x'.repeat(5000)}`, status: 414 },
  ];
  for (const c of cases) {
    const res = await app.inject({ url: c.url, headers: { origin: ORIGIN } });
    const label = c.url.slice(0, 40);
    t.equal(res.statusCode, c.status, `${label}: status`);
    const body = JSON.parse(res.body) as Record<string, unknown>;
    t.type(body.error, 'string', `${label}: error is a string`);
    t.type(body.message, 'string', `${label}: message is a string`);
    t.notMatch(res.body, /\bat .+\.(?:ts|js):\d+/, `${label}: no stack frames`);
    // Fastify answers these before any hook runs (fastify.js onBadUrl / onMaxParamLength); the
    // app's frameworkErrors option routes them through the same error handler and CORS header.
    t.equal(res.headers['access-control-allow-origin'], '*', `${label}: ACAO *`);
    t.equal(res.headers['content-type'], JSON_TYPE, `${label}: refget JSON type`);
    t.match(body.error, /^[A-Z][A-Z0-9_]+$/, `${label}: error is a code, not an HTTP phrase`);
  }
});

t.test('OpenAPI document at /openapi.json covers refget and seqcol', async (t) => {
  const res = await app.inject({ url: '/openapi.json' });
  t.equal(res.statusCode, 200, 'status');
  t.match(res.headers['content-type'], /^application\/json/, 'JSON content-type');
  const doc = JSON.parse(res.body) as {
    openapi?: string;
    info?: { title?: string; version?: string };
    paths?: Record<
      string,
      Record<string, { tags?: string[]; parameters?: { name: string; in: string }[]; responses?: Record<string, unknown> }>
    >;
  };
  t.match(doc.openapi, /^3\./, 'OpenAPI 3.x');
  t.type(doc.info?.title, 'string', 'info.title');
  t.type(doc.info?.version, 'string', 'info.version');
  const paths = doc.paths ?? {};
  const expected: [string, string][] = [
    ['/sequence/{id}', 'get'],
    ['/sequence/{id}/metadata', 'get'],
    ['/sequence/service-info', 'get'],
    ['/service-info', 'get'],
    ['/collection/{digest}', 'get'],
    ['/comparison/{a}/{b}', 'get'],
    ['/comparison/{a}', 'post'],
    ['/list/collection', 'get'],
    ['/attribute/collection/{attr}/{digest}', 'get'],
  ];
  for (const [path, method] of expected) t.ok(paths[path]?.[method], `${method.toUpperCase()} ${path} documented`);
  t.notOk(paths['/openapi.json'], '/openapi.json itself is hidden');
  t.notOk(
    Object.keys(paths).some((p) => p.startsWith('/docs')),
    '/docs is not an API path',
  );

  const seq = paths['/sequence/{id}']?.get;
  t.same(seq?.tags, ['refget'], 'sequence route tagged refget');
  const params = (seq?.parameters ?? []).map((p) => `${p.in}:${p.name}`);
  for (const p of ['path:id', 'query:start', 'query:end', 'header:range']) t.ok(params.includes(p), `sequence parameter ${p}`);
  for (const code of ['200', '206', '400', '404', '406', '416', '501']) t.ok(seq?.responses?.[code], `sequence response ${code}`);
  t.ok(paths['/collection/{digest}']?.get?.tags?.includes('seqcol'), 'collection route tagged seqcol');
  t.ok(paths['/sequence/{id}/metadata']?.get?.responses?.['200'], 'metadata 200 documented');
});

t.test('/docs serves the Swagger UI HTML page', async (t) => {
  for (const url of ['/docs', '/docs/']) {
    let res = await app.inject({ url });
    for (let hops = 0; hops < 3 && res.statusCode >= 300 && res.statusCode < 400; hops++) {
      res = await app.inject({ url: String(res.headers.location) });
    }
    t.equal(res.statusCode, 200, `${url}: status`);
    t.match(res.headers['content-type'], /^text\/html/, `${url}: HTML`);
    t.match(res.body, /<html/i, `${url}: an HTML document`);
    t.match(res.body, /swagger/i, `${url}: the Swagger UI`);
    t.equal(res.headers['access-control-allow-origin'], '*', `${url}: CORS`);
  }
});

t.test('the sequence route is not shadowed by other routes', async (t) => {
  const res = await app.inject({ url: `/sequence/${I_GA4GH}?start=0&end=5` });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], SEQ_TYPE);
  t.equal(res.body, 'CCACA', 'spec §2.4.1: I ?end=5 → CCACA');
});
