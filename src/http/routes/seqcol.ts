// Sequence collections v1.0.0 (spec §3.4): /collection, /comparison, /list/collection,
// /attribute/collection and the /list/attributes extension the compliance checks call.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../../errors.js';
import { comparisonResult, sideOf, type ComparisonSide } from '../../seqcol/compare.js';
import {
  validateLevel2,
  COLLECTION_ATTRIBUTES,
  LEVEL2_ATTRIBUTES,
  isCollectionAttribute,
  type CollectionAttribute,
} from '../../seqcol/collection.js';
import type { CollectionRow } from '../../store/collection-index.js';
import { TRANSIENT } from '../../seqcol/collection.js';
import { sendJson } from '../json.js';
import { hiddenCollections, visibleCollection } from '../access.js';
import { ErrorResponse } from '../schemas.js';

const JSON_CT = 'application/json; charset=utf-8';
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 10_000;
const ATTRIBUTES: readonly CollectionAttribute[] = COLLECTION_ATTRIBUTES;
const isTransient = (a: string): boolean => (TRANSIENT as readonly string[]).includes(a);

const DigestParam = { type: 'string', description: 'seqcol level-0 digest' } as const;
const PagingQuery = {
  page: { type: 'string', description: 'page number, from 0' },
  page_size: { type: 'string', description: `results per page (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE})` },
} as const;
const ArrayOfStrings = { type: 'array', items: { type: 'string' } } as const;
const PagedResponse = {
  type: 'object',
  properties: {
    results: ArrayOfStrings,
    pagination: {
      type: 'object',
      properties: { page: { type: 'integer' }, page_size: { type: 'integer' }, total: { type: 'integer' } },
    },
  },
} as const;

type Level2Attribute = (typeof LEVEL2_ATTRIBUTES)[number];
const isLevel2Attribute = (a: string): a is Level2Attribute => (LEVEL2_ATTRIBUTES as readonly string[]).includes(a);

/** A stored collection's side of a comparison: every level-2 attribute, one element per member. */
const storedSide = (collection: CollectionRow): ComparisonSide => ({
  digest: collection.digest,
  attributes: Object.fromEntries(LEVEL2_ATTRIBUTES.map((attr) => [attr, collection.sequenceCount])),
});

function nonNegativeInt(raw: string | undefined, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (raw === undefined) return fallback;
  if (!/^[0-9]{1,15}$/.test(raw)) throw new AppError('INVALID_PARAMETER', `${name} must be a non-negative integer`);
  const n = Number(raw);
  if (n > max) throw new AppError('INVALID_PARAMETER', `${name} must be at most ${max}`);
  return n;
}

function paging(query: { page?: string; page_size?: string }): { page: number; pageSize: number } {
  const pageSize = nonNegativeInt(query.page_size, 'page_size', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  if (pageSize === 0) throw new AppError('INVALID_PARAMETER', 'page_size must be at least 1');
  return { page: nonNegativeInt(query.page, 'page', 0), pageSize };
}

const send = (reply: FastifyReply, value: unknown): FastifyReply => sendJson(reply, value, JSON_CT);

export async function seqcolRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { digest: string }; Querystring: { level?: string } }>(
    '/collection/:digest',
    {
      schema: {
        summary: 'A sequence collection at level 1 (attribute digests) or level 2 (arrays, the default)',
        tags: ['seqcol'],
        params: { type: 'object', properties: { digest: DigestParam } },
        querystring: { type: 'object', properties: { level: { type: 'string', enum: ['1', '2'] } } },
        response: { 200: { type: 'object', additionalProperties: true }, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { store } = request.server;
      const collection = visibleCollection(store, request.params.digest, request.viewer);
      if (request.query.level === '1') return send(reply, collection.level1);
      // Large collections arrive as a stream of text from the collection worker.
      return reply.type(JSON_CT).send(await store.collectionWork.level2(collection));
    },
  );

  app.get<{ Params: { a: string; b: string } }>(
    '/comparison/:a/:b',
    {
      schema: {
        summary: 'Compare two stored collections',
        tags: ['seqcol'],
        params: { type: 'object', properties: { a: DigestParam, b: DigestParam } },
        response: { 200: { type: 'object', additionalProperties: true }, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { store } = request.server;
      const a = visibleCollection(store, request.params.a, request.viewer);
      const b = visibleCollection(store, request.params.b, request.viewer);
      const elements = await store.collectionWork.compare(a, b);
      return send(reply, comparisonResult(storedSide(a), storedSide(b), elements));
    },
  );

  app.post<{ Params: { a: string }; Body: unknown }>(
    '/comparison/:a',
    {
      schema: {
        summary: 'Compare a stored collection with a posted level-2 collection',
        tags: ['seqcol'],
        params: { type: 'object', properties: { a: DigestParam } },
        body: { type: 'object', additionalProperties: true, description: 'a level-2 collection (attribute → array)' },
        response: { 200: { type: 'object', additionalProperties: true }, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { store } = request.server;
      const a = visibleCollection(store, request.params.a, request.viewer);
      const valid = validateLevel2(request.body);
      if (!valid.ok) throw new AppError('BAD_REQUEST', valid.error);
      const posted: Partial<Record<Level2Attribute, readonly unknown[]>> = {};
      for (const [attr, value] of Object.entries(valid.level2)) {
        if (isLevel2Attribute(attr) && Array.isArray(value)) posted[attr] = value;
      }
      const elements = await store.collectionWork.comparePosted(a, posted);
      return send(reply, comparisonResult(storedSide(a), sideOf(null, valid.level2), elements));
    },
  );

  app.get<{ Querystring: Record<string, string> }>(
    '/list/collection',
    {
      schema: {
        summary: 'List collection digests, filtered by level-1 attribute digests (AND)',
        tags: ['seqcol'],
        querystring: {
          type: 'object',
          properties: {
            ...PagingQuery,
            ...Object.fromEntries(ATTRIBUTES.map((a) => [a, { type: 'string', description: `level-1 digest of ${a}` }])),
          },
          additionalProperties: false,
        },
        response: { 200: PagedResponse, 400: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { page, pageSize } = paging(request.query);
      const filters: Partial<Record<CollectionAttribute, string>> = {};
      for (const attr of ATTRIBUTES) {
        const value = request.query[attr];
        if (value !== undefined) filters[attr] = value;
      }
      const { digests, total } = request.server.store.collections.list(
        filters,
        pageSize,
        page * pageSize,
        hiddenCollections(request),
      );
      return send(reply, { results: digests, pagination: { page, page_size: pageSize, total } });
    },
  );

  app.get<{ Params: { attr: string; digest: string } }>(
    '/attribute/collection/:attr/:digest',
    {
      schema: {
        summary: 'The level-2 value of one attribute, by its level-1 digest',
        tags: ['seqcol'],
        params: { type: 'object', properties: { attr: { type: 'string' }, digest: { type: 'string' } } },
        response: { 200: { description: 'the attribute value (an array)' }, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { attr, digest } = request.params;
      // Transient attributes keep only their digest: there is no level 2 to serve (spec §3.1).
      if (!isCollectionAttribute(attr) || isTransient(attr)) {
        throw new AppError('ATTRIBUTE_NOT_FOUND', `attribute '${attr.slice(0, 100)}' is not served`);
      }
      const { store } = request.server;
      const collection = store.collections.withAttribute(attr, digest, hiddenCollections(request));
      if (collection === undefined) throw new AppError('ATTRIBUTE_NOT_FOUND', `no ${attr} with digest '${digest.slice(0, 100)}'`);
      return reply.type(JSON_CT).send(await store.collectionWork.level2(collection, attr as Level2Attribute));
    },
  );

  app.get<{ Params: { attr: string }; Querystring: { page?: string; page_size?: string } }>(
    '/list/attributes/:attr',
    {
      schema: {
        summary: 'Distinct level-1 digests of one attribute',
        tags: ['seqcol'],
        params: { type: 'object', properties: { attr: { type: 'string' } } },
        querystring: { type: 'object', properties: PagingQuery },
        response: { 200: PagedResponse, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { attr } = request.params;
      if (!isCollectionAttribute(attr)) throw new AppError('ATTRIBUTE_NOT_FOUND', `unknown attribute '${attr.slice(0, 100)}'`);
      const { page, pageSize } = paging(request.query);
      const { digests, total } = request.server.store.collections.attributeDigests(
        attr,
        pageSize,
        page * pageSize,
        hiddenCollections(request),
      );
      return send(reply, { results: digests, pagination: { page, page_size: pageSize, total } });
    },
  );
}
