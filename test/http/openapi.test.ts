// The OpenAPI document: valid OpenAPI 3.0 (checked by an independent validator against the
// official 3.0 JSON schema), every operation named once, integer coordinates, and real answers
// of the server validated (ajv) against the components.schemas the document gives them.
import t from 'tap';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { buildTestApp, sampleStore } from '../helpers/sample-store.js';
import { EXPECTED } from '../helpers/refget-expected.js';

const app = await buildTestApp(t, await sampleStore(t));
const doc = JSON.parse((await app.inject({ url: '/openapi.json' })).body) as {
  openapi: string;
  paths: Record<
    string,
    Record<string, { operationId?: string; parameters?: { name: string; in: string; schema: { type: string } }[] }>
  >;
  components: { schemas: Record<string, object> };
};

t.test('valid OpenAPI 3.0', async (t) => {
  t.match(doc.openapi, /^3\.0\./);
  const validator = new Validator();
  const result = await validator.validate(doc as unknown as Parameters<Validator['validate']>[0]);
  t.ok(result.valid, `validator: ${JSON.stringify(result.errors ?? []).slice(0, 600)}`);
});

t.test('every operation has a unique operationId', async (t) => {
  const ids: string[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      t.type(op.operationId, 'string', `${method.toUpperCase()} ${path} is named`);
      if (op.operationId !== undefined) ids.push(op.operationId);
    }
  }
  t.ok(ids.length >= 20, `${ids.length} operations`);
  t.same(
    ids.filter((id, i) => ids.indexOf(id) !== i),
    [],
    'no name is used twice',
  );
});

t.test('coordinates and paging are integers with their bounds', async (t) => {
  const param = (path: string, name: string) =>
    doc.paths[path]!.get!.parameters!.find((p) => p.name === name && p.in === 'query')!.schema as {
      type: string;
      minimum?: number;
      maximum?: number;
    };
  t.match(param('/sequence/{id}', 'start'), { type: 'integer', minimum: 0, maximum: 4294967295 });
  t.match(param('/sequence/{id}', 'end'), { type: 'integer', minimum: 0, maximum: 4294967295 });
  t.match(param('/seqrepo/1/sequence/{alias}', 'start'), { type: 'integer', minimum: 0 });
  t.match(param('/aliases', 'limit'), { type: 'integer', minimum: 0 });
  t.match(param('/list/collection', 'page_size'), { type: 'integer', minimum: 1 });
});

t.test('real responses validate against the named schemas', async (t) => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  // OpenAPI 3.0's `nullable` is not JSON Schema: rewrite it for ajv.
  const toJsonSchema = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(toJsonSchema);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out[k] = v.replace('#/components/schemas/', 'c#/definitions/');
      else if (k !== 'nullable') out[k] = toJsonSchema(v);
    }
    const o = value as { nullable?: boolean; type?: string };
    if (o.nullable === true && typeof o.type === 'string') out.type = [o.type, 'null'];
    return out;
  };
  ajv.addSchema({ $id: 'c', definitions: toJsonSchema(doc.components.schemas) as object });
  const I = EXPECTED.I;
  const list = JSON.parse((await app.inject({ url: '/list/collection' })).body) as { results: string[] };
  const [a, b] = list.results;
  const cases: [schema: string, url: string, op: string][] = [
    ['RefgetServiceInfo', '/service-info', 'getServiceInfo'],
    ['RefgetServiceInfo', '/sequence/service-info', 'getRefgetV1ServiceInfo'],
    ['Metadata', `/sequence/${I.md5}/metadata`, 'getSequenceMetadata'],
    ['SeqColLevel2', `/collection/${a}`, 'getCollection'],
    ['SeqColLevel1', `/collection/${a}?level=1`, 'getCollection'],
    ['Comparison', `/comparison/${a}/${b ?? a}`, 'compareCollections'],
    ['DigestList', '/list/collection', 'listCollections'],
    ['DigestList', '/list/attributes/lengths', 'listAttributeDigests'],
    ['SeqRepoMetadata', `/seqrepo/1/metadata/ga4gh:${I.ga4gh}`, 'seqrepoGetMetadata'],
    ['Error', `/sequence/${'0'.repeat(32)}/metadata`, 'getSequenceMetadata'],
    ['Error', `/collection/${a}?level=7`, 'getCollection'],
    ['Error', `/seqrepo/1/sequence/${I.md5}?start=5&end=1`, 'seqrepoGetSequence'],
  ];
  const ops = new Map<string, unknown>();
  for (const item of Object.values(doc.paths)) for (const op of Object.values(item)) ops.set(op.operationId!, op);
  for (const [schema, url, op] of cases) {
    const res = await app.inject({ url });
    const body = JSON.parse(res.body) as unknown;
    const validate = ajv.getSchema(`c#/definitions/${schema}`)!;
    t.ok(validate(body), `${url} is a ${schema}: ${JSON.stringify(validate.errors ?? []).slice(0, 300)}`);
    // and the document says this operation answers with that schema for this status
    const responses = (ops.get(op) as { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }).responses;
    const documented = JSON.stringify(responses[String(res.statusCode)]?.content ?? {});
    t.ok(documented.includes(`#/components/schemas/${schema}`), `${op} documents ${res.statusCode} as ${schema}`);
  }
  // The schemas are not vacuous: a wrong document fails them.
  t.notOk(ajv.getSchema('c#/definitions/Metadata')!({ metadata: { md5: 'x' } }), 'a broken metadata body fails');
  t.notOk(ajv.getSchema('c#/definitions/Error')!({ error: 'FST_ERR_VALIDATION', message: 'x' }), 'a framework code fails');
});
