// Errors the framework raises itself (query and path validation, unreadable or oversized bodies,
// unsupported content types, unknown routes) reach clients with this server's codes and body
// shape, never Fastify's FST_ERR_… codes or a quoted request beyond a short prefix.
import t from 'tap';
import type { InjectOptions } from 'fastify';
import { buildTestApp, sampleStore } from '../helpers/sample-store.js';

const app = await buildTestApp(t, await sampleStore(t));
const digest = (JSON.parse((await app.inject({ url: '/list/collection' })).body) as { results: string[] }).results[0]!;

const cases: [label: string, request: InjectOptions, status: number, code: string][] = [
  ['level outside its enum', { url: `/collection/${digest}?level=0` }, 400, 'INVALID_PARAMETER'],
  ['level repeated', { url: `/collection/${digest}?level=1&level=2` }, 400, 'INVALID_PARAMETER'],
  [
    'a body that is not JSON',
    { method: 'POST', url: `/comparison/${digest}`, payload: '{"names": [', headers: { 'content-type': 'application/json' } },
    400,
    'BAD_REQUEST',
  ],
  [
    'an empty JSON body',
    { method: 'POST', url: '/sequence/metadata', payload: '', headers: { 'content-type': 'application/json' } },
    400,
    'BAD_REQUEST',
  ],
  [
    'a content type the route does not take',
    {
      method: 'POST',
      url: `/comparison/${digest}`,
      payload: 'names=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    },
    415,
    'UNSUPPORTED_MEDIA_TYPE',
  ],
  [
    'a body over the limit',
    {
      method: 'POST',
      url: '/sequence/metadata',
      payload: `{"ids": ["${'a'.repeat(5 << 20)}"]}`,
      headers: { 'content-type': 'application/json' },
    },
    413,
    'BODY_TOO_LARGE',
  ],
  ['an unknown route', { url: '/no/such/route' }, 404, 'NOT_FOUND'],
  ['a method the route lacks', { method: 'DELETE', url: `/collection/${digest}` }, 404, 'NOT_FOUND'],
];

t.test("framework errors carry this server's codes", async (t) => {
  for (const [label, request, status, code] of cases) {
    const res = await app.inject(request);
    t.equal(res.statusCode, status, `${label}: status`);
    const body = JSON.parse(res.body) as { error: string; message: string };
    t.equal(body.error, code, `${label}: code`);
    t.notMatch(body.error, /^FST_/, `${label}: no framework code`);
    t.type(body.message, 'string');
    t.ok(body.message.length <= 240, `${label}: short message (${body.message.length})`);
    t.notMatch(res.body, /\bat .+\.(?:ts|js):\d+/, `${label}: no stack`);
  }
});

t.test('a query validation error names the parameter', async (t) => {
  const res = await app.inject({ url: `/collection/${digest}?level=0` });
  t.match(JSON.parse(res.body), { error: 'INVALID_PARAMETER', parameter: 'level' });
});
