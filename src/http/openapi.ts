// The OpenAPI document's contract with code generators (openapi-generator, openapi-typescript):
// every operation has a stable operationId, coordinates and paging parameters are integers with
// their bounds, and the documents clients parse are named schemas under components.schemas
// (matching the refget v2 and seqcol v1 schemas). Applied once to the document @fastify/swagger
// builds from the routes. The routes keep validating start/end as strings: refget's rules for
// them (no '+1', no '1.0', 400 before 416) are stricter than JSON Schema coercion, and
// http/interval.ts enforces them.

type Json = Record<string, unknown>;

/** operationId of each `METHOD path` (a HEAD shares its GET's name with a `Head` suffix). */
const OPERATION_IDS: Readonly<Record<string, string>> = {
  'GET /': 'getLanding',
  'GET /service-info': 'getServiceInfo',
  'GET /sequence/service-info': 'getRefgetV1ServiceInfo',
  'GET /sequence/{id}': 'getSequence',
  'GET /sequence/{id}/metadata': 'getSequenceMetadata',
  'POST /sequence/metadata': 'getSequenceMetadataBatch',
  'GET /cram/md5/{md5}': 'getCramReference',
  'GET /collection/{digest}': 'getCollection',
  'GET /collection/{digest}/fasta': 'getCollectionFasta',
  'GET /collection/{digest}/fasta.fai': 'getCollectionFastaIndex',
  'GET /collection/{digest}/chrom.sizes': 'getCollectionChromSizes',
  'GET /comparison/{a}/{b}': 'compareCollections',
  'POST /comparison/{a}': 'compareCollectionWithPosted',
  'GET /list/collection': 'listCollections',
  'GET /attribute/collection/{attr}/{digest}': 'getCollectionAttribute',
  'GET /list/attributes/{attr}': 'listAttributeDigests',
  'GET /naming-authorities': 'listNamingAuthorities',
  'GET /aliases': 'listAliases',
  'GET /collections': 'listCollectionsByName',
  'GET /collections/{ref}/sequences': 'listCollectionMembers',
  'GET /search': 'search',
  'GET /holdings': 'getHoldings',
  'GET /sequence/{id}/collections': 'getSequenceCollections',
  'GET /seqrepo/1/ping': 'seqrepoPing',
  'GET /seqrepo/1/sequence/{alias}': 'seqrepoGetSequence',
  'GET /seqrepo/1/metadata/{alias}': 'seqrepoGetMetadata',
  'GET /healthz': 'getHealth',
  'GET /readyz': 'getReadiness',
  'GET /metrics': 'getMetrics',
};

const UINT32 = { type: 'integer', minimum: 0, maximum: 4294967295 };
const COUNT = { type: 'integer', minimum: 0 };

/** Query parameters documented as integers: per path prefix, name → schema. */
function integerParameter(path: string, name: string): Json | undefined {
  if (path.startsWith('/seqrepo/')) return name === 'start' || name === 'end' ? COUNT : undefined;
  if (name === 'start' || name === 'end') return UINT32;
  if (name === 'limit' || name === 'offset' || name === 'page') return COUNT;
  if (name === 'page_size') return { type: 'integer', minimum: 1 };
  return undefined;
}

const SEQCOL_ARRAY = { type: 'array', items: {} };

/** Named schemas; `responses` below says which operation answers with which. */
const COMPONENT_SCHEMAS: Readonly<Record<string, Json>> = {
  Error: {
    type: 'object',
    description: 'Every error: a stable machine-readable code and a short message (more fields for some codes)',
    properties: { error: { type: 'string', pattern: '^(?!FST_)[A-Z][A-Z0-9_]+$' }, message: { type: 'string' } },
    required: ['error', 'message'],
    additionalProperties: true,
  },
  Alias: {
    type: 'object',
    properties: { alias: { type: 'string' }, naming_authority: { type: 'string' } },
    required: ['alias', 'naming_authority'],
  },
  SequenceMetadata: {
    type: 'object',
    description: 'refget v2 sequence metadata',
    properties: {
      id: { type: 'string' },
      md5: { type: 'string', pattern: '^[0-9a-f]{32}$' },
      ga4gh: { type: 'string', pattern: '^SQ\\.[A-Za-z0-9_-]{32}$' },
      trunc512: { type: 'string', pattern: '^[0-9a-f]{48}$' },
      length: { type: 'integer', minimum: 0 },
      circular: { type: 'boolean' },
      aliases: { type: 'array', items: { $ref: '#/components/schemas/Alias' } },
    },
    required: ['id', 'md5', 'ga4gh', 'trunc512', 'length', 'aliases'],
  },
  Metadata: {
    type: 'object',
    properties: { metadata: { $ref: '#/components/schemas/SequenceMetadata' } },
    required: ['metadata'],
  },
  RefgetServiceInfo: {
    type: 'object',
    description: 'GA4GH service-info with the refget v2 block (and the v1 `service` and seqcol blocks)',
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      type: {
        type: 'object',
        properties: { group: { type: 'string' }, artifact: { type: 'string' }, version: { type: 'string' } },
        required: ['group', 'artifact', 'version'],
      },
      description: { type: 'string' },
      organization: {
        type: 'object',
        properties: { name: { type: 'string' }, url: { type: 'string' } },
        required: ['name', 'url'],
      },
      version: { type: 'string' },
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
      environment: { type: 'string' },
      refget: {
        type: 'object',
        properties: {
          circular_supported: { type: 'boolean' },
          algorithms: { type: 'array', items: { type: 'string' } },
          identifier_types: { type: 'array', items: { type: 'string' } },
          subsequence_limit: { type: 'integer', nullable: true },
        },
        required: ['circular_supported', 'algorithms', 'subsequence_limit'],
      },
      service: { type: 'object', additionalProperties: true },
      seqcol: { type: 'object', additionalProperties: true },
    },
    required: ['id', 'name', 'type', 'organization', 'version', 'refget'],
  },
  SeqColLevel1: {
    type: 'object',
    description: 'seqcol level 1: each attribute → the digest of its array',
    properties: {
      names: { type: 'string' },
      lengths: { type: 'string' },
      sequences: { type: 'string' },
    },
    required: ['names', 'lengths', 'sequences'],
    additionalProperties: { type: 'string' },
  },
  SeqColLevel2: {
    type: 'object',
    description: 'seqcol level 2: each attribute → its array, one element per sequence',
    properties: {
      names: { type: 'array', items: { type: 'string' } },
      lengths: { type: 'array', items: { type: 'integer', minimum: 0 } },
      sequences: { type: 'array', items: { type: 'string' } },
    },
    required: ['names', 'lengths', 'sequences'],
    additionalProperties: SEQCOL_ARRAY,
  },
  Comparison: {
    type: 'object',
    description: 'seqcol comparison of collections a and b',
    properties: {
      digests: {
        type: 'object',
        properties: { a: { type: 'string', nullable: true }, b: { type: 'string', nullable: true } },
        required: ['a', 'b'],
      },
      attributes: {
        type: 'object',
        properties: {
          a_only: { type: 'array', items: { type: 'string' } },
          b_only: { type: 'array', items: { type: 'string' } },
          a_and_b: { type: 'array', items: { type: 'string' } },
        },
        required: ['a_only', 'b_only', 'a_and_b'],
      },
      array_elements: {
        type: 'object',
        properties: {
          a_count: { type: 'object', additionalProperties: COUNT },
          b_count: { type: 'object', additionalProperties: COUNT },
          a_and_b_count: { type: 'object', additionalProperties: COUNT },
          a_and_b_same_order: { type: 'object', additionalProperties: { type: 'boolean', nullable: true } },
        },
        required: ['a_count', 'b_count', 'a_and_b_count', 'a_and_b_same_order'],
      },
    },
    required: ['digests', 'attributes', 'array_elements'],
  },
  DigestList: {
    type: 'object',
    description: 'a page of digests (seqcol list endpoints)',
    properties: {
      results: { type: 'array', items: { type: 'string' } },
      pagination: {
        type: 'object',
        properties: { page: COUNT, page_size: COUNT, total: COUNT },
        required: ['page', 'page_size', 'total'],
      },
    },
    required: ['results', 'pagination'],
  },
  SeqRepoMetadata: {
    type: 'object',
    description: 'seqrepo-rest-service metadata',
    properties: {
      added: { type: 'string', format: 'date-time' },
      aliases: { type: 'array', items: { type: 'string' } },
      alphabet: { type: 'string' },
      length: COUNT,
    },
    required: ['added', 'aliases', 'alphabet', 'length'],
  },
};

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

/** operationId → the schema of its JSON success (200) body. */
const SUCCESS_SCHEMAS: Readonly<Record<string, Json>> = {
  getServiceInfo: ref('RefgetServiceInfo'),
  getRefgetV1ServiceInfo: ref('RefgetServiceInfo'),
  getSequenceMetadata: ref('Metadata'),
  getCollection: { oneOf: [ref('SeqColLevel2'), ref('SeqColLevel1')] },
  compareCollections: ref('Comparison'),
  compareCollectionWithPosted: ref('Comparison'),
  listCollections: ref('DigestList'),
  listAttributeDigests: ref('DigestList'),
  seqrepoGetMetadata: ref('SeqRepoMetadata'),
};

const METHODS = ['get', 'head', 'post', 'put', 'delete', 'patch', 'options'] as const;

/** @fastify/swagger's transformObject: the finished document, named and typed as above. */
export function finishOpenApi(input: { openapiObject: object } | { swaggerObject: object }): Json {
  const source = 'openapiObject' in input ? input.openapiObject : input.swaggerObject;
  const doc = source as Json & { paths?: Record<string, Record<string, Json>>; components?: Json };
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      // A GET|HEAD route's two operations are one object in the generated document: copy HEAD's.
      const shared = item[method];
      if (shared === undefined) continue;
      const op = method === 'head' ? (structuredClone(shared) as Json) : shared;
      item[method] = op;
      const id = OPERATION_IDS[`${method === 'head' ? 'GET' : method.toUpperCase()} ${path}`];
      if (id !== undefined) op.operationId = method === 'head' ? `${id}Head` : id;
      for (const parameter of (op.parameters ?? []) as Json[]) {
        const integer = parameter.in === 'query' ? integerParameter(path, String(parameter.name)) : undefined;
        if (integer !== undefined) parameter.schema = { ...integer, description: (parameter.schema as Json).description };
      }
      const responses = (op.responses ?? {}) as Record<string, Json>;
      for (const [status, response] of Object.entries(responses)) {
        if (status.startsWith('4') || status.startsWith('5') || status === '300') {
          responses[status] = { description: response.description ?? 'Error', content: errorContent() };
        }
      }
      const named = id === undefined ? undefined : SUCCESS_SCHEMAS[id];
      const ok = responses['200'];
      if (named !== undefined && ok !== undefined) {
        const content = (ok.content ?? {}) as Record<string, Json>;
        const types = Object.keys(content).length > 0 ? Object.keys(content) : ['application/json'];
        ok.content = Object.fromEntries(types.map((type) => [type, { schema: named }]));
      }
    }
  }
  doc.components = { ...(doc.components ?? {}), schemas: { ...COMPONENT_SCHEMAS } };
  return doc;
}

const errorContent = (): Json => ({ 'application/json': { schema: ref('Error') } });
