// Discovery and cross-references: list naming authorities, aliases and collections,
// map a collection to its sequences, and resolve many ids in one POST. Listings answer JSON, TSV
// or CSV (`?format=` wins over Accept) and stream in batches; see docs/discovery.md.
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../../errors.js';
import type { CollectionRow } from '../../store/collection-index.js';
import type {
  AliasRow,
  CollectionSequenceRow,
  CollectionSummaryRow,
  Listing,
  NamingAuthorityRow,
  Page,
} from '../../store/discovery-index.js';
import type { SequenceStore } from '../../store/sequence-store.js';
import { sendJson } from '../json.js';
import {
  chooseListingFormat,
  listingBody,
  LISTING_BATCH_ROWS,
  LISTING_CONTENT_TYPES,
  type ListingFormat,
  type RowShape,
} from '../listing-format.js';
import { negotiate } from '../media-types.js';
import { resolveSequence } from '../resolve-sequence.js';
import { collectionVisible, hiddenCollections, type Viewer } from '../access.js';
import { sequenceMetadata, type SequenceMetadata } from '../sequence-metadata.js';
import { AliasSchema, ErrorResponse } from '../schemas.js';

export const DEFAULT_LIST_LIMIT = 1000;

// ---- query parameters -------------------------------------------------------------------------

type Query = Record<string, string | undefined>;

const PAGING_PARAMS = ['limit', 'offset', 'format'] as const;

function pagingQuerySchema(defaultLimit: number, extra: Record<string, { type: 'string'; description: string }> = {}) {
  return {
    type: 'object',
    properties: {
      ...extra,
      limit: {
        type: 'string',
        description: `rows to return (default ${defaultLimit === 0 ? 'all' : defaultLimit}; at most the server's max list limit, 100000 unless configured); 0 = all rows, streamed`,
      },
      offset: { type: 'string', description: 'rows to skip (default 0); past the end gives no rows and the real total' },
      format: { type: 'string', description: 'json, tsv or csv; wins over the Accept header' },
    },
  } as const;
}

/** Unknown parameters are refused by name: a typo (`limt=5`) should not silently list 1000 rows. */
function rejectUnknown(query: Query, allowed: readonly string[]): void {
  for (const name of Object.keys(query)) {
    if (!allowed.includes(name)) {
      throw new AppError('INVALID_PARAMETER', `unknown parameter '${name.slice(0, 50)}'; expected ${allowed.join(', ')}`);
    }
  }
}

function nonNegativeInt(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^[0-9]{1,15}$/.test(raw))
    throw new AppError('INVALID_PARAMETER', `${name} must be a non-negative integer, got '${raw.slice(0, 50)}'`);
  return Number(raw);
}

function pageOf(query: Query, maxLimit: number, defaultLimit: number): { page: Page; limit: number; offset: number } {
  // A server configured with a max below the default still answers a plain request: the default
  // shrinks to the max instead of making the parameter-less URL an error.
  const limit = nonNegativeInt(query.limit, 'limit', Math.min(defaultLimit, maxLimit));
  if (limit > maxLimit) {
    throw new AppError(
      'INVALID_PARAMETER',
      `limit must be at most ${maxLimit}; use limit=0 to stream every row, or page with offset`,
    );
  }
  const offset = nonNegativeInt(query.offset, 'offset', 0);
  const after = query.after;
  if (after !== undefined) {
    if (after === '') throw new AppError('INVALID_PARAMETER', 'after must not be empty');
    if (offset !== 0) throw new AppError('INVALID_PARAMETER', 'give offset or after, not both');
  }
  return { page: { offset, limit: limit === 0 ? null : limit, after }, limit, offset };
}

/** A filter value given as `?x=` (empty) is a mistake, not "no filter". */
function filterValue(query: Query, name: string): string | undefined {
  const value = query[name];
  if (value === '') throw new AppError('INVALID_PARAMETER', `${name} must not be empty`);
  return value;
}

// ---- row shapes -------------------------------------------------------------------------------

const authorityShape: RowShape<NamingAuthorityRow> = {
  columns: ['naming_authority', 'alias_count', 'loaded_at'],
  cells: (r) => [r.name, r.aliasCount, r.loadedAt],
  json: (r) => ({ naming_authority: r.name, alias_count: r.aliasCount, loaded_at: r.loadedAt }),
};

const aliasShape: RowShape<AliasRow> = {
  columns: ['alias', 'naming_authority', 'md5', 'ga4gh', 'length'],
  cells: (r) => [r.alias, r.namingAuthority, r.md5, `SQ.${r.ga4gh}`, r.length],
  json: (r) => ({ alias: r.alias, naming_authority: r.namingAuthority, md5: r.md5, ga4gh: `SQ.${r.ga4gh}`, length: r.length }),
};

const collectionShape: RowShape<CollectionSummaryRow> = {
  columns: ['digest', 'names', 'sequence_count', 'total_length'],
  cells: (r) => [r.digest, r.names.join(','), r.sequenceCount, r.totalLength],
  json: (r) => ({ digest: r.digest, names: r.names, sequence_count: r.sequenceCount, total_length: r.totalLength }),
};

const SEQUENCE_COLUMNS = ['name', 'length', 'md5', 'ga4gh', 'circular'] as const;

/**
 * TSV/CSV get one column per naming authority used in the collection (UCSC chromAlias style),
 * several aliases under one authority joined by ','. An authority that would clash with a fixed
 * column is written `alias:<authority>`.
 */
function collectionSequenceShape(authorities: readonly string[]): RowShape<CollectionSequenceRow> {
  const fixed: readonly string[] = SEQUENCE_COLUMNS;
  return {
    columns: [...SEQUENCE_COLUMNS, ...authorities.map((a) => (fixed.includes(a) ? `alias:${a}` : a))],
    cells: (r) => [
      r.name,
      r.length,
      r.md5,
      `SQ.${r.ga4gh}`,
      r.circular,
      ...authorities.map((a) =>
        r.aliases
          .filter((x) => x.namingAuthority === a)
          .map((x) => x.alias)
          .join(','),
      ),
    ],
    json: (r) => ({
      name: r.name,
      length: r.length,
      md5: r.md5,
      ga4gh: `SQ.${r.ga4gh}`,
      circular: r.circular,
      aliases: r.aliases.map((x) => ({ alias: x.alias, naming_authority: x.namingAuthority })),
    }),
  };
}

// ---- responses --------------------------------------------------------------------------------

/** The format (400/406 if none fits), checked before any query runs. */
const formatOf = (request: FastifyRequest<{ Querystring: Query }>): ListingFormat =>
  chooseListingFormat(request.query.format, request.headers.accept);

function sendListing<Row>(
  reply: FastifyReply,
  format: ListingFormat,
  shape: RowShape<Row>,
  listing: Listing<Row>,
  paging: { limit: number; offset: number },
  extra?: Record<string, unknown>,
): FastifyReply {
  let body = listingBody(
    format,
    shape,
    {
      total: listing.total,
      limit: paging.limit,
      offset: paging.offset,
      extra,
      cursorOf: listing.cursorOf,
    },
    listing.batches(LISTING_BATCH_ROWS),
  );
  // HEAD: Fastify would drain a streamed body to discard it, reading the whole listing for
  // nothing. An empty stream keeps the GET's headers (chunked, so no Content-Length) and X-Total-Count.
  if (reply.request.method === 'HEAD' && body instanceof Readable) {
    body.destroy();
    body = Readable.from([]);
  }
  const vary = reply.getHeader('vary');
  return reply
    .type(LISTING_CONTENT_TYPES[format])
    .header('x-total-count', listing.total)
    .header('vary', vary === undefined || vary === '' ? 'Accept' : `${String(vary)}, Accept`)
    .send(body);
}

function listingResponse(row: Record<string, unknown>, description: string, cursor = false) {
  const json = {
    type: 'object',
    properties: {
      total: { type: 'integer', description: 'rows matching the filters (also in the X-Total-Count header)' },
      limit: { type: 'integer', description: 'as requested; 0 = all' },
      offset: { type: 'integer' },
      results: { type: 'array', items: row },
      ...(cursor
        ? {
            next: {
              type: 'string',
              nullable: true,
              description: 'a full page: the `after` cursor for the next one (which may be empty); otherwise null',
            },
          }
        : {}),
    },
    required: ['total', 'limit', 'offset', 'results', ...(cursor ? ['next'] : [])],
  };
  return {
    description: `${description}. TSV and CSV have a header row naming the JSON fields.`,
    headers: { 'x-total-count': { type: 'integer', description: 'rows matching the filters' } },
    content: {
      'application/json': { schema: json },
      'text/tab-separated-values': { schema: { type: 'string' } },
      'text/csv': { schema: { type: 'string' } },
    },
  };
}

function findCollection(store: SequenceStore, ref: string, viewer: Viewer | null): CollectionRow {
  const notFound = (): AppError =>
    new AppError('COLLECTION_NOT_FOUND', `no collection with digest or name '${ref.slice(0, 100)}'`);
  let found = store.collections.get(ref);
  if (found === undefined) {
    const digest = store.discovery.collectionDigestByName(ref);
    found = digest === undefined ? undefined : store.collections.get(digest);
  }
  if (found === undefined) throw notFound();
  if (!collectionVisible(viewer, found.id)) throw notFound();
  return found;
}

type BatchResult =
  | { id: string; metadata: SequenceMetadata }
  | { id: string; error: 'SEQUENCE_NOT_FOUND' | 'AMBIGUOUS_ALIAS'; message: string; [detail: string]: unknown };

/** The metadata of one id, exactly as GET /sequence/:id/metadata gives it, or its lookup error. */
function batchResult(store: SequenceStore, id: string, viewer: Viewer | null): BatchResult {
  try {
    const record = resolveSequence(store, id, viewer);
    return {
      id,
      metadata: sequenceMetadata(store, id, record, viewer),
    };
  } catch (err) {
    if (isAppError(err) && (err.code === 'SEQUENCE_NOT_FOUND' || err.code === 'AMBIGUOUS_ALIAS')) {
      return { id, error: err.code, message: err.message, ...err.details };
    }
    throw err;
  }
}

// ---- routes -----------------------------------------------------------------------------------

const AliasRowSchema = {
  type: 'object',
  properties: {
    alias: { type: 'string' },
    naming_authority: { type: 'string' },
    md5: { type: 'string' },
    ga4gh: { type: 'string', description: 'SQ.-prefixed sha512t24u' },
    length: { type: 'integer' },
  },
} as const;

export async function discoveryRoutes(app: FastifyInstance): Promise<void> {
  const { maxListLimit, maxBatchIds } = app.config;
  const errors = { 400: ErrorResponse, 406: ErrorResponse };

  app.get<{ Querystring: Query }>(
    '/naming-authorities',
    {
      schema: {
        summary: 'Naming authorities with their alias counts and when each was last loaded',
        tags: ['discovery'],
        querystring: pagingQuerySchema(DEFAULT_LIST_LIMIT),
        response: {
          200: listingResponse(
            {
              type: 'object',
              properties: {
                naming_authority: { type: 'string' },
                alias_count: { type: 'integer' },
                loaded_at: { type: 'string', format: 'date-time' },
              },
            },
            'Naming authorities by name',
          ),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      rejectUnknown(request.query, PAGING_PARAMS);
      const format = formatOf(request);
      const paging = pageOf(request.query, maxListLimit, DEFAULT_LIST_LIMIT);
      return sendListing(
        reply,
        format,
        authorityShape,
        request.server.store.discovery.namingAuthorities(paging.page, hiddenCollections(request)),
        paging,
      );
    },
  );

  app.get<{ Querystring: Query }>(
    '/aliases',
    {
      schema: {
        summary: 'Aliases with the digests and length of the sequence each names',
        description:
          'Ordered by naming authority, alias, then sequence (stable across pages). Filters combine with AND; a filter that matches nothing gives an empty list.',
        tags: ['discovery'],
        querystring: pagingQuerySchema(DEFAULT_LIST_LIMIT, {
          naming_authority: { type: 'string', description: 'only this naming authority (case-insensitive)' },
          alias: { type: 'string', description: 'only this exact alias (case-sensitive)' },
          prefix: { type: 'string', description: 'only aliases starting with this (case-sensitive)' },
          after: {
            type: 'string',
            description: "the rows after this cursor (a JSON page's `next`) instead of `offset`: costs the same at any depth",
          },
        }),
        response: { 200: listingResponse(AliasRowSchema, 'Aliases', true), ...errors },
      },
    },
    async (request, reply) => {
      rejectUnknown(request.query, ['naming_authority', 'alias', 'prefix', 'after', ...PAGING_PARAMS]);
      const format = formatOf(request);
      const paging = pageOf(request.query, maxListLimit, DEFAULT_LIST_LIMIT);
      const listing = request.server.store.discovery.aliases(
        {
          namingAuthority: filterValue(request.query, 'naming_authority'),
          alias: filterValue(request.query, 'alias'),
          prefix: filterValue(request.query, 'prefix'),
        },
        paging.page,
        hiddenCollections(request),
      );
      return sendListing(reply, format, aliasShape, listing, paging);
    },
  );

  app.get<{ Querystring: Query }>(
    '/collections',
    {
      schema: {
        summary: 'Sequence collections (assemblies), named or not, by level-0 digest',
        tags: ['discovery'],
        querystring: pagingQuerySchema(DEFAULT_LIST_LIMIT, {
          name: { type: 'string', description: 'only the collection with this human name (e.g. GRCh38)' },
        }),
        response: {
          200: listingResponse(
            {
              type: 'object',
              properties: {
                digest: { type: 'string', description: 'seqcol level-0 digest' },
                names: { type: 'array', items: { type: 'string' }, description: 'human names (TSV/CSV: comma-separated)' },
                sequence_count: { type: 'integer' },
                total_length: { type: 'integer' },
              },
            },
            'Collections',
          ),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      rejectUnknown(request.query, ['name', ...PAGING_PARAMS]);
      const format = formatOf(request);
      const paging = pageOf(request.query, maxListLimit, DEFAULT_LIST_LIMIT);
      const listing = request.server.store.discovery.collections(
        { name: filterValue(request.query, 'name') },
        paging.page,
        hiddenCollections(request),
      );
      return sendListing(reply, format, collectionShape, listing, paging);
    },
  );

  app.get<{ Params: { ref: string }; Querystring: Query }>(
    '/collections/:ref/sequences',
    {
      schema: {
        summary: 'The sequences of a collection in order: name, length, digests, circular flag and all aliases',
        description:
          'The collection is named by its seqcol level-0 digest or by a human name given at ingest (`--collection-name`). Returns every sequence unless `limit` is given. TSV/CSV have one column per naming authority (aliases under one authority comma-separated).',
        tags: ['discovery'],
        params: {
          type: 'object',
          properties: { ref: { type: 'string', description: 'seqcol level-0 digest, or a collection name' } },
        },
        querystring: pagingQuerySchema(0),
        response: {
          200: listingResponse(
            {
              type: 'object',
              properties: {
                name: { type: 'string' },
                length: { type: 'integer' },
                md5: { type: 'string' },
                ga4gh: { type: 'string' },
                circular: { type: 'boolean' },
                aliases: { type: 'array', items: AliasSchema },
              },
            },
            'Sequences of the collection, in collection order; the JSON also has `collection: {digest, names}`',
          ),
          ...errors,
          404: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      rejectUnknown(request.query, PAGING_PARAMS);
      const format = formatOf(request);
      const { store } = request.server;
      const collection = findCollection(store, request.params.ref, request.viewer);
      const paging = pageOf(request.query, maxListLimit, 0);
      const hidden = hiddenCollections(request);
      const shape = collectionSequenceShape(store.discovery.memberNamingAuthorities(collection.id, hidden));
      return sendListing(reply, format, shape, store.discovery.collectionSequences(collection, paging.page, hidden), paging, {
        collection: { digest: collection.digest, names: store.discovery.collectionNames(collection.id) },
      });
    },
  );

  app.post<{ Body: { ids: string[] }; Querystring: { accept?: string } }>(
    '/sequence/metadata',
    {
      // The app's ajv coerces types ("ids": "x" would become ["x"], 5 would become "5"); a batch
      // client sending the wrong shape has a bug worth a 400, so the raw body is checked first.
      preValidation: async (request) => {
        const ids = (request.body as { ids?: unknown } | null | undefined)?.ids;
        if (ids !== undefined && !(Array.isArray(ids) && ids.every((id) => typeof id === 'string'))) {
          throw new AppError('BAD_REQUEST', 'ids must be an array of strings');
        }
      },
      schema: {
        summary: 'Metadata of many sequences at once',
        description: `Body \`{"ids": [...]}\`, at most ${maxBatchIds} ids (any form GET /sequence/{id}/metadata takes). Results come in request order: \`{"id", "metadata"}\` as GET /sequence/{id}/metadata gives it, or \`{"id", "error", "message"}\` for an id that is unknown (SEQUENCE_NOT_FOUND) or names several sequences (AMBIGUOUS_ALIAS, with candidates).`,
        tags: ['refget'],
        querystring: { type: 'object', properties: { accept: { type: 'string' } } },
        body: {
          type: 'object',
          properties: {
            ids: {
              type: 'array',
              items: { type: 'string', maxLength: 2048 },
              description: `sequence ids (at most ${maxBatchIds})`,
            },
          },
          required: ['ids'],
          additionalProperties: false,
        },
        response: {
          200: {
            description: 'One result per id, in request order',
            type: 'object',
            properties: { results: { type: 'array', items: { type: 'object', additionalProperties: true } } },
          },
          400: ErrorResponse,
          406: ErrorResponse,
          413: ErrorResponse,
          415: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      negotiate(request.query.accept ?? request.headers.accept, ['json']);
      const { ids } = request.body;
      if (ids.length > maxBatchIds) {
        throw new AppError('INVALID_PARAMETER', `at most ${maxBatchIds} ids per request, got ${ids.length}; split the list`);
      }
      const { store } = request.server;
      return sendJson(reply, { results: ids.map((id) => batchResult(store, id, request.viewer)) });
    },
  );
}
