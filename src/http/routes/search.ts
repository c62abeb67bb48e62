// GET /search?q= — one box for people: an md5, SQ./ga4gh: id, trunc512, authority:alias, a bare
// alias (tried in every naming authority), a collection's digest or human name. And
// GET /sequence/:id/collections — the collections holding a sequence, with its record names in
// each. Both answer only what the caller may see (private collections and their sequences and
// aliases are left out exactly as if they were not stored).
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import { collectionVisible } from '../access.js';
import { findSequences } from '../find-sequences.js';
import { resolveSequence } from '../resolve-sequence.js';
import { sendJson } from '../json.js';
import { ErrorResponse, SequenceParams } from '../schemas.js';

/** Most hits of each kind one search returns, and most collections listed for one sequence. */
const MAX_SEARCH_HITS = 100;
const MAX_HOLDING = 1000;
const MAX_QUERY = 500;

export async function searchRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { q?: string } }>(
    '/search',
    {
      schema: {
        summary: 'Find sequences and collections by any identifier or name',
        description:
          'q: an md5, `SQ.…`/`ga4gh:SQ.…`, trunc512, `authority:alias`, a bare alias (looked up in every naming authority), or a collection digest or name.',
        tags: ['discovery'],
        querystring: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
        response: { 200: { description: 'The hits', type: 'object', additionalProperties: true }, 400: ErrorResponse },
      },
    },
    async (request, reply) => {
      const q = (request.query.q ?? '').trim();
      if (q === '' || q.length > MAX_QUERY) {
        throw new AppError('INVALID_PARAMETER', `q must be 1 to ${MAX_QUERY} characters`, { parameter: 'q' });
      }
      const { store } = request.server;
      const viewer = request.viewer;
      const sequences = findSequences(store, q, viewer)
        .slice(0, MAX_SEARCH_HITS)
        .map((r) => ({ ga4gh: `SQ.${r.ga4gh}`, md5: r.md5, length: r.length, circular: r.circular }));
      const collections = store
        .collectionIdsByRef(q)
        .filter((id) => collectionVisible(viewer, id))
        .slice(0, MAX_SEARCH_HITS)
        .map((id) => ({ digest: store.collections.digestOf(id), names: store.discovery.collectionNames(id) }));
      return sendJson(reply, { query: q, sequences, collections });
    },
  );

  app.get(
    '/holdings',
    {
      schema: {
        summary: 'How many sequences, bases, collections and naming authorities the server holds',
        tags: ['discovery'],
        response: { 200: { description: 'Counts (what the caller may see)', type: 'object', additionalProperties: true } },
      },
    },
    async (request, reply) => {
      const { store } = request.server;
      const hidden = request.viewer?.hiddenJson;
      return sendJson(reply, { ...store.holdings(hidden), naming_authorities: store.namingAuthorities(hidden) });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/sequence/:id/collections',
    {
      schema: {
        summary: 'The collections holding a sequence, with its record names in each',
        tags: ['discovery'],
        params: SequenceParams,
        response: {
          200: { description: 'Collections, in ingest order', type: 'object', additionalProperties: true },
          300: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const { store } = request.server;
      const record = resolveSequence(store, request.params.id, request.viewer);
      const rows = store.collectionsHolding(record, MAX_HOLDING + 1, request.viewer?.hiddenJson);
      return sendJson(reply, {
        collections: rows.slice(0, MAX_HOLDING).map((r) => ({
          digest: r.digest,
          names: store.discovery.collectionNames(r.id),
          record_names: r.recordNames,
        })),
        truncated: rows.length > MAX_HOLDING,
      });
    },
  );
}
