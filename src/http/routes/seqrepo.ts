// The SeqRepo REST interface (biocommons/seqrepo-rest-service, API version 1) under /seqrepo/1:
// what vrs-python's SeqRepoRESTDataProxy, and through it VRS normalisation, hgvs and anyvar, call
// when pointed at `seqrepo+http://host/seqrepo`. Its rules, not refget's:
// - an identifier is `namespace:alias` (`ga4gh:SQ.…`, `MD5:…`, `TRUNC512:…`, `VMC:GS_…`, or
//   an alias such as `refseq:NM_000551.3`), or a bare digest or alias, looked up in every naming
//   authority (http/find-sequences.ts); none → 404, several sequences → 422;
// - start/end are interbase (0-based, half-open) integers; start > end → 422; they are clamped
//   to the sequence as a Python slice is (seqrepo slices), so `end` past the end is no error;
// - metadata is `{added, aliases: ["ns:alias", …], alphabet, length}`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createRequire } from 'node:module';
import { sha512t24uToTrunc512 } from '../../checksum/digests.js';
import { AppError } from '../../errors.js';
import type { SequenceStore } from '../../store/sequence-store.js';
import type { SequenceRecord } from '../../store/types.js';
import { visibleAliases, type Viewer } from '../access.js';
import { findSequences } from '../find-sequences.js';
import { BUFFER_LIMIT } from '../sequence-response.js';
import { sendBlocks } from '../send-blocks.js';
import { sendJson } from '../json.js';
import { ErrorResponse, MirrorErrors } from '../schemas.js';

const pkg = createRequire(import.meta.url)('../../../package.json') as { version: string };

const SEQREPO_PREFIX = '/seqrepo/1';
export const SEQREPO_SEQUENCE_ROUTE = `${SEQREPO_PREFIX}/sequence/:alias`;
export const SEQREPO_METADATA_ROUTE = `${SEQREPO_PREFIX}/metadata/:alias`;
const PLAIN = 'text/plain; charset=us-ascii';
const UNSIGNED = /^[0-9]{1,10}$/;

const AliasParams = {
  type: 'object',
  properties: {
    alias: { type: 'string', description: 'ga4gh:SQ.…, MD5:…, TRUNC512:…, VMC:GS_…, namespace:alias, or a bare digest or alias' },
  },
  required: ['alias'],
} as const;

export async function seqrepoRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    `${SEQREPO_PREFIX}/ping`,
    {
      schema: {
        summary: 'SeqRepo REST: service status',
        tags: ['seqrepo'],
        response: {
          200: {
            description: 'What answers (this server stands in for seqrepo-rest-service)',
            type: 'object',
            properties: { version: { type: 'string' }, url: { type: 'string' }, dependencies: { type: 'object' } },
          },
        },
      },
    },
    async (_request, reply) =>
      sendJson(reply, { version: pkg.version, url: 'https://ga4gh.org/refget', dependencies: {} }, 'application/json'),
  );

  app.get<{ Params: { alias: string }; Querystring: { start?: string | string[]; end?: string | string[] } }>(
    SEQREPO_SEQUENCE_ROUTE,
    {
      schema: {
        summary: 'SeqRepo REST: a sequence or an interbase slice of it',
        tags: ['seqrepo'],
        params: AliasParams,
        querystring: {
          type: 'object',
          properties: {
            start: { type: 'string', description: 'interbase start (0-based); clamped to the sequence' },
            end: { type: 'string', description: 'interbase end (0-based, exclusive); clamped to the sequence' },
          },
        },
        response: {
          200: { description: 'The bases, one line, no newline', content: { 'text/plain': { schema: { type: 'string' } } } },
          400: ErrorResponse,
          404: ErrorResponse,
          ...MirrorErrors,
          422: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const start = coordinate('start', request.query.start);
      const end = coordinate('end', request.query.end);
      if (start !== undefined && end !== undefined && start > end) {
        throw new AppError('UNPROCESSABLE', 'Invalid coordinates: start > end');
      }
      const { store } = request.server;
      const record = seqrepoRecord(store, request.params.alias, request.viewer);
      const from = Math.min(start ?? 0, record.length);
      const to = Math.max(from, Math.min(end ?? record.length, record.length));
      return sendBases(store, request, reply, record, from, to);
    },
  );

  app.get<{ Params: { alias: string } }>(
    SEQREPO_METADATA_ROUTE,
    {
      schema: {
        summary: 'SeqRepo REST: metadata of a sequence',
        tags: ['seqrepo'],
        params: AliasParams,
        response: {
          200: {
            // the document names it: components.schemas.SeqRepoMetadata (http/openapi.ts)
            description: 'When the sequence was added, every identifier as namespace:alias, its letters, its length',
            type: 'object',
          },
          404: ErrorResponse,
          ...MirrorErrors,
          422: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const { store } = request.server;
      const record = seqrepoRecord(store, request.params.alias, request.viewer);
      const aliases = [
        `ga4gh:SQ.${record.ga4gh}`,
        `MD5:${record.md5}`,
        `TRUNC512:${sha512t24uToTrunc512(record.ga4gh)}`,
        `VMC:GS_${record.ga4gh}`,
        ...visibleAliases(store, request.viewer, record).map((a) => `${a.namingAuthority}:${a.alias}`),
      ];
      const body = {
        added: store.addedAt(record),
        aliases,
        alphabet: await store.alphabet(record),
        length: record.length,
      };
      return sendJson(reply, body, 'application/json');
    },
  );
}

/** A start or end as seqrepo takes it: absent, or one unsigned integer. */
function coordinate(name: 'start' | 'end', raw: string | string[] | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !UNSIGNED.test(raw)) {
    throw new AppError('INVALID_PARAMETER', `${name} must be a non-negative integer`, { parameter: name });
  }
  return Number(raw);
}

/** The one sequence a seqrepo identifier names (see findSequences): none → 404, several → 422. */
function seqrepoRecord(store: SequenceStore, query: string, viewer: Viewer | null): SequenceRecord {
  const found = findSequences(store, query, viewer);
  if (found.length === 0) throw new AppError('SEQUENCE_NOT_FOUND', `no sequence with id '${query.slice(0, 200)}'`);
  if (found.length > 1) {
    throw new AppError('UNPROCESSABLE', `Multiple sequences exist for alias '${query.slice(0, 200)}'`, {
      candidates: found.map((r) => ({ ga4gh: `SQ.${r.ga4gh}`, md5: r.md5, length: r.length })),
    });
  }
  return found[0]!;
}

function sendBases(
  store: SequenceStore,
  request: FastifyRequest,
  reply: FastifyReply,
  record: SequenceRecord,
  from: number,
  to: number,
): FastifyReply | Promise<FastifyReply> {
  reply.header('content-type', PLAIN);
  reply.header('content-length', to - from);
  // Bases never change; an answer to a bearer token must not sit in shared caches.
  const shared = request.viewer === null || request.viewer.anonymous;
  reply.header('cache-control', `${shared ? 'public' : 'private'}, max-age=31536000, immutable`);
  if (to - from <= BUFFER_LIMIT) return reply.send(store.readRangeSync(record, from, to));
  return sendBlocks(reply, store.blockReader(record, from, to)).then(() => reply);
}
