// GET /sequence/service-info and GET /service-info through app.inject: spec §2.6 (GA4GH base
// fields, v2 `refget` block, v1 `service` block), §3.5.1 (one document with the seqcol block at both
// paths), §2.2 (JSON Accept rules) and checklist §2.9 R1, R2, R13.
import t from 'tap';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildTestApp, sampleStore } from '../helpers/sample-store.js';
import {
  assertJsonError,
  type Test,
  REFGET_JSON_TYPE as JSON_TYPE,
  SUITE_JSON_ACCEPT,
  BROWSER_ACCEPT,
} from '../helpers/refget-expected.js';

type Res = LightMyRequestResponse;
type Headers = Record<string, string>;

const PATHS = ['/sequence/service-info', '/service-info'] as const;
const I_MD5 = '6681ac2f62509cfc220d78751b8dc524'; // expected-ids.json

interface ServiceInfo {
  id?: unknown;
  name?: unknown;
  type?: { group?: unknown; artifact?: unknown; version?: unknown };
  organization?: { name?: unknown; url?: unknown };
  version?: unknown;
  service?: { circular_supported?: unknown; algorithms?: unknown; subsequence_limit?: unknown; supported_api_versions?: unknown };
  refget?: { circular_supported?: unknown; algorithms?: unknown; identifier_types?: unknown; subsequence_limit?: unknown };
  seqcol?: { schema?: { properties?: Record<string, unknown>; required?: unknown; ga4gh?: { inherent?: unknown } } };
  [key: string]: unknown;
}

function get(app: FastifyInstance, url: string, headers: Headers = {}): Promise<Res> {
  return app.inject({ method: 'GET', url, headers });
}

function okInfo(t: Test, res: Res, msg: string): ServiceInfo {
  t.equal(res.statusCode, 200, `${msg}: status`);
  t.equal(res.headers['content-type'], JSON_TYPE, `${msg}: content-type`);
  t.equal(res.headers['content-length'], String(res.rawPayload.length), `${msg}: content-length`);
  t.equal(res.headers['access-control-allow-origin'], '*', `${msg}: CORS`);
  t.notMatch(res.body, /[^\x20-\x7e]/, `${msg}: ASCII-only body`);
  return JSON.parse(res.body) as ServiceInfo;
}

function assertError(t: Test, res: Res, status: number, code: string, msg: string): Record<string, unknown> {
  return assertJsonError(t, res, status, code, msg, { key: 'refget', label: 'not the service-info document' });
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Everything §2.6 / §3.5.1 requires, for a server with the given settings. */
function assertDocument(t: Test, info: ServiceInfo, circular: boolean, limit: number | null, msg: string): void {
  // GA4GH service-info base fields.
  t.type(info.id, 'string', `${msg}: id`);
  t.ok(String(info.id).length > 0, `${msg}: id not empty`);
  t.type(info.name, 'string', `${msg}: name`);
  t.type(info.type?.group, 'string', `${msg}: type.group`);
  t.type(info.type?.artifact, 'string', `${msg}: type.artifact`);
  t.type(info.type?.version, 'string', `${msg}: type.version`);
  t.type(info.organization?.name, 'string', `${msg}: organization.name`);
  t.type(info.organization?.url, 'string', `${msg}: organization.url`);
  t.type(info.version, 'string', `${msg}: version is a string`);

  // v2 refget block: the suite reads every one of these keys with obj[key].
  const refget = info.refget;
  t.ok(refget, `${msg}: refget block`);
  t.equal(refget?.circular_supported, circular, `${msg}: refget.circular_supported`);
  t.ok(isStringArray(refget?.algorithms), `${msg}: refget.algorithms is a string array`);
  for (const alg of ['md5', 'ga4gh', 'trunc512']) {
    t.ok((refget?.algorithms as string[]).includes(alg), `${msg}: algorithms has ${alg}`);
  }
  t.ok(isStringArray(refget?.identifier_types), `${msg}: identifier_types is a string array`);
  t.ok((refget?.identifier_types as string[]).includes('insdc'), `${msg}: identifier_types has insdc`);
  t.ok(refget !== undefined && 'subsequence_limit' in refget, `${msg}: subsequence_limit key present`);
  t.equal(refget?.subsequence_limit, limit, `${msg}: refget.subsequence_limit`);

  // v1 service block.
  const service = info.service;
  t.ok(service, `${msg}: v1 service block`);
  t.equal(service?.circular_supported, circular, `${msg}: service.circular_supported`);
  t.same(service?.algorithms, refget?.algorithms, `${msg}: service.algorithms = refget.algorithms`);
  t.ok(service !== undefined && 'subsequence_limit' in service, `${msg}: service.subsequence_limit key`);
  t.equal(service?.subsequence_limit, limit, `${msg}: service.subsequence_limit`);
  t.ok(
    isStringArray(service?.supported_api_versions) && (service.supported_api_versions as string[]).length > 0,
    `${msg}: service.supported_api_versions`,
  );

  // seqcol block.
  const schema = info.seqcol?.schema;
  t.type(schema, 'object', `${msg}: seqcol.schema`);
  for (const attr of ['names', 'lengths', 'sequences']) {
    t.ok(schema?.properties !== undefined && attr in schema.properties, `${msg}: schema has ${attr}`);
  }
  t.same([...((schema?.required as string[]) ?? [])].sort(), ['lengths', 'names', 'sequences'], `${msg}: schema.required`);
  t.same(
    [...((schema?.ga4gh?.inherent as string[]) ?? [])].sort(),
    ['names', 'sequences'],
    `${msg}: inherent = names, sequences`,
  );
}

const storeDir = await sampleStore(t);
const circularApp = await buildTestApp(t, storeDir, { circularSupported: true });
const linearApp = await buildTestApp(t, storeDir, { circularSupported: false });
const limitApp = await buildTestApp(t, storeDir, { circularSupported: false, subsequenceLimit: 1000 });

t.test('§2.6 / R1: both paths, every server mode', async (t) => {
  const modes: { app: FastifyInstance; circular: boolean; limit: number | null; label: string }[] = [
    { app: circularApp, circular: true, limit: null, label: 'circular, no limit' },
    { app: linearApp, circular: false, limit: null, label: 'linear, no limit' },
    { app: limitApp, circular: false, limit: 1000, label: 'linear, limit 1000' },
  ];
  for (const mode of modes) {
    const bodies: string[] = [];
    for (const path of PATHS) {
      const res = await get(mode.app, path);
      assertDocument(t, okInfo(t, res, `${mode.label} ${path}`), mode.circular, mode.limit, `${mode.label} ${path}`);
      bodies.push(res.body);
    }
    t.equal(bodies[1], bodies[0], `${mode.label}: one document at both paths`);
  }
});

t.test('§2.2 / R1: JSON Accept headers the suite and browsers send → 200', async (t) => {
  const accepts: (string | undefined)[] = [
    undefined, // the suite's "default" test: python-requests sends */*
    '*/*',
    '',
    SUITE_JSON_ACCEPT,
    'application/json',
    'application/json; charset=utf-8',
    'application/*',
    'application/vnd.ga4gh.refget.v1.0.1+json',
    'application/vnd.ga4gh.refget.v2.0.0+json; charset=us-ascii',
    BROWSER_ACCEPT,
  ];
  for (const path of PATHS) {
    for (const accept of accepts) {
      const info = okInfo(
        t,
        await get(circularApp, path, accept === undefined ? {} : { accept }),
        `${path} Accept: ${String(accept)}`,
      );
      t.ok(info.refget && info.service, `${path} ${String(accept)}: both version blocks (the suite picks v2)`);
    }
  }
});

t.test('§2.2 / R2: non-JSON Accept → 406', async (t) => {
  for (const path of PATHS) {
    for (const accept of [
      'text/plain',
      'embl/some_json',
      'text/vnd.ga4gh.refget.v2.0.0+plain',
      'text/html',
      'application/json;q=0',
    ]) {
      assertError(t, await get(circularApp, path, { accept }), 406, 'NOT_ACCEPTABLE', `${path} Accept: ${accept}`);
    }
    assertError(t, await get(circularApp, `${path}?accept=text/plain`), 406, 'NOT_ACCEPTABLE', `${path}?accept=text/plain`);
    okInfo(
      t,
      await get(circularApp, `${path}?accept=application/json`, { accept: 'text/plain' }),
      `${path}?accept=application/json over text/plain`,
    );
  }
});

t.test('§2.4.5 step 1: /sequence/service-info is not a sequence id; trailing slash; HEAD', async (t) => {
  okInfo(t, await get(circularApp, '/sequence/service-info/'), 'trailing slash (v1 OpenAPI form)');
  okInfo(t, await get(circularApp, '/service-info/'), '/service-info/');
  assertError(
    t,
    await get(circularApp, '/sequence/service-info/metadata'),
    404,
    'SEQUENCE_NOT_FOUND',
    'service-info/metadata is an id lookup',
  );
  for (const path of PATHS) {
    const h = await circularApp.inject({ method: 'HEAD', url: path });
    t.equal(h.statusCode, 200, `HEAD ${path}`);
    t.equal(h.headers['content-type'], JSON_TYPE, `HEAD ${path} content-type`);
    t.equal(h.rawPayload.length, 0, `HEAD ${path}: no body`);
  }
});

t.test('R13: the advertised limit is the one enforced; null/0 means none', async (t) => {
  const limited = okInfo(t, await get(limitApp, '/sequence/service-info'), 'limit 1000');
  t.equal(limited.refget?.subsequence_limit, 1000);
  t.equal((await get(limitApp, `/sequence/${I_MD5}?start=0&end=1000`)).statusCode, 200, '1000 bases allowed');
  t.equal((await get(limitApp, `/sequence/${I_MD5}?start=0&end=1001`)).statusCode, 416, '1001 bases refused');
  t.equal((await get(limitApp, `/sequence/${I_MD5}`)).statusCode, 200, 'whole sequence unaffected');

  const unlimited = okInfo(t, await get(circularApp, '/sequence/service-info'), 'no limit');
  t.equal(unlimited.refget?.subsequence_limit, null, 'no limit → null');
  t.equal((await get(circularApp, `/sequence/${I_MD5}?start=0`)).statusCode, 200, 'no limit: whole of I through start/end');

  // v2: values below 1 mean no limit.
  const zeroApp = await buildTestApp(t, storeDir, { subsequenceLimit: 0 });
  const zero = okInfo(t, await get(zeroApp, '/sequence/service-info'), 'limit 0');
  t.ok(zero.refget?.subsequence_limit === null || zero.refget?.subsequence_limit === 0, 'limit 0 is advertised as null or 0');
  t.equal((await get(zeroApp, `/sequence/${I_MD5}?start=0`)).statusCode, 200, 'limit 0: no limit');
  t.equal((await get(zeroApp, `/sequence/${I_MD5}`, { range: 'bytes=0-999999' })).statusCode, 206, 'limit 0: Range unlimited');
});

t.test('§2.6: identifier_types lists the naming authorities of the store', async (t) => {
  const info = okInfo(t, await get(circularApp, '/service-info'), 'service-info');
  const types = info.refget?.identifier_types as string[];
  t.same(types, [...new Set(types)], 'no duplicates');
  t.ok(
    types.every((x) => x === x.toLowerCase()),
    'lower-case authorities (identifiers.org prefixes)',
  );
  // Every advertised identifier type resolves the insdc alias the suite then requests.
  t.equal(
    (await get(circularApp, '/sequence/insdc:BK006935.2/metadata', { accept: SUITE_JSON_ACCEPT })).statusCode,
    200,
    'insdc metadata resolves',
  );
});
