// Route schemas (JSON Schema): they validate input and become the OpenAPI document.

export const ErrorResponse = {
  description: 'Error',
  type: 'object',
  properties: { error: { type: 'string' }, message: { type: 'string' } },
  required: ['error', 'message'],
  additionalProperties: true,
} as const;

/** What a route that fills misses from upstream may also answer (`serve --upstream` only). */
export const MirrorErrors = {
  502: { ...ErrorResponse, description: 'No upstream supplied a verified copy (a mirror only; UPSTREAM_FAILED)' },
  503: { ...ErrorResponse, description: 'Overloaded, or the store is busy with an ingest (a mirror only; STORE_LOCKED)' },
  504: { ...ErrorResponse, description: 'The upstreams did not answer in time (a mirror only; UPSTREAM_TIMEOUT)' },
} as const;

export const SequenceParams = {
  type: 'object',
  properties: { id: { type: 'string', description: 'md5, trunc512, SQ.…, md5:…, trunc512:…, ga4gh:SQ.…, or authority:alias' } },
  required: ['id'],
} as const;

export const SequenceQuery = {
  type: 'object',
  properties: {
    start: { type: 'string', description: '0-based inclusive start (unsigned 32-bit integer)' },
    end: { type: 'string', description: '0-based exclusive end (unsigned 32-bit integer)' },
    accept: { type: 'string', description: 'Overrides the Accept header (e.g. text/plain from a browser address bar)' },
  },
} as const;

export const AliasSchema = {
  type: 'object',
  properties: { alias: { type: 'string' }, naming_authority: { type: 'string' } },
  required: ['alias', 'naming_authority'],
} as const;

export const MetadataResponse = {
  description: 'Sequence metadata',
  type: 'object',
  properties: {
    metadata: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        md5: { type: 'string' },
        ga4gh: { type: 'string', description: 'SQ.-prefixed sha512t24u' },
        trunc512: { type: 'string' },
        length: { type: 'integer' },
        circular: { type: 'boolean' },
        aliases: { type: 'array', items: AliasSchema },
      },
      required: ['id', 'md5', 'ga4gh', 'trunc512', 'length', 'aliases'],
    },
  },
  required: ['metadata'],
} as const;
