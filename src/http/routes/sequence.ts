// GET|HEAD /sequence/:id — the sequence, a start/end subsequence (200) or a Range (206), in the
// decision order of spec §2.4.5: resolve id (404/300) → Accept (406) → interval (400/416/501).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BUFFER_LIMIT, planSequence, SEQUENCE_ROUTE, SEQUENCE_VARY, type SequencePlan } from '../sequence-response.js';
import { visibleAliases } from '../access.js';
import { concatBlockReaders, sendBlocks } from '../send-blocks.js';
import { FastaBlockReader, fastaHeader, fastaLength, wrapFasta } from '../fasta-format.js';
import { ErrorResponse, MirrorErrors, SequenceParams, SequenceQuery } from '../schemas.js';
import type { SequenceStore } from '../../store/sequence-store.js';
import { AppError } from '../../errors.js';

export const CRAM_MD5_ROUTE = '/cram/md5/:md5';
const RANGE_HEADER = 'bytes=first-last (inclusive), bytes=first- (to the end) or bytes=-count (the last count bases)';
const RANGE_RESPONSE = {
  description: 'The bytes named by the Range header',
  content: { 'text/vnd.ga4gh.refget.v2.0.0+plain': { schema: { type: 'string' } } },
};

interface SequenceRequest {
  Params: { id: string };
  Querystring: { start?: string | string[]; end?: string | string[]; accept?: string };
}

export async function sequenceRoutes(app: FastifyInstance): Promise<void> {
  app.route<SequenceRequest>({
    method: ['GET', 'HEAD'],
    url: SEQUENCE_ROUTE,
    exposeHeadRoute: false,
    schema: {
      summary: 'Get a sequence or subsequence',
      description:
        'Whole sequence, `start`/`end` subsequence (0-based, half-open; start > end wraps a circular sequence), or one `Range` (206: `bytes=first-last`, `bytes=first-`, `bytes=-count`). Identifiers: md5, trunc512, SQ.…, with optional `md5:`/`trunc512:`/`ga4gh:` prefixes, or `authority:alias`.',
      tags: ['refget'],
      params: SequenceParams,
      querystring: SequenceQuery,
      headers: { type: 'object', properties: { range: { type: 'string', description: RANGE_HEADER } } },
      response: {
        200: {
          description:
            'The sequence (text/vnd.ga4gh.refget.v2.0.0+plain; charset=us-ascii), or FASTA when asked for text/x-fasta',
          content: {
            'text/vnd.ga4gh.refget.v2.0.0+plain': { schema: { type: 'string' } },
            'text/x-fasta': { schema: { type: 'string' } },
          },
        },
        206: RANGE_RESPONSE,
        300: ErrorResponse,
        400: ErrorResponse,
        404: ErrorResponse,
        ...MirrorErrors,
        406: ErrorResponse,
        416: ErrorResponse,
        501: ErrorResponse,
      },
    },
    handler: async (request, reply) => answer(request, reply, request.params.id, request.query.accept ?? request.headers.accept),
  });

  // The ENA CRAM reference registry's URL form, which htslib configurations name in REF_PATH
  // (`https://host/cram/md5/%s`): an md5 only, and the plain bases whatever the Accept header
  // says (that registry ignored it; htslib sends */* or nothing). Range and start/end as above.
  app.route<{ Params: { md5: string }; Querystring: SequenceRequest['Querystring'] }>({
    method: ['GET', 'HEAD'],
    url: CRAM_MD5_ROUTE,
    exposeHeadRoute: false,
    schema: {
      summary: 'Get a sequence by md5, as the ENA CRAM reference registry did',
      description:
        'For htslib `REF_PATH=http://host/cram/md5/%s`: the bases of the sequence with this md5 (32 hex digits), in the plain text of GET /sequence/{id}; Accept is ignored. Anything but an md5 is 404.',
      tags: ['clients'],
      params: {
        type: 'object',
        properties: { md5: { type: 'string', description: 'md5 of the sequence (32 hex digits)' } },
        required: ['md5'],
      },
      querystring: SequenceQuery,
      headers: { type: 'object', properties: { range: { type: 'string', description: RANGE_HEADER } } },
      response: {
        200: { description: 'The sequence', content: { 'text/vnd.ga4gh.refget.v2.0.0+plain': { schema: { type: 'string' } } } },
        206: RANGE_RESPONSE,
        400: ErrorResponse,
        404: ErrorResponse,
        ...MirrorErrors,
        416: ErrorResponse,
      },
    },
    handler: async (request, reply) => {
      const { md5 } = request.params;
      if (!MD5.test(md5)) throw new AppError('SEQUENCE_NOT_FOUND', `no sequence with md5 '${md5.slice(0, 200)}'`);
      return answer(request, reply, md5, undefined);
    },
  });
}

/** Plans and sends a sequence answer for `id` under the request's start/end, Range and viewer. */
function answer(
  request: FastifyRequest<{ Querystring: SequenceRequest['Querystring'] }>,
  reply: FastifyReply,
  id: string,
  accept: string | undefined,
): FastifyReply | Promise<FastifyReply> {
  const { store, config } = request.server;
  const plan = planSequence(store, config, {
    id,
    start: request.query.start,
    end: request.query.end,
    accept,
    range: request.headers.range,
    ifRange: request.headers['if-range'] as string | undefined,
    viewer: request.viewer,
  });
  return sendSequence(store, request, reply, plan);
}

const MD5 = /^[0-9a-fA-F]{32}$/;

function sendSequence(
  store: SequenceStore,
  request: FastifyRequest,
  reply: FastifyReply,
  { record, interval, representation, response }: SequencePlan,
): FastifyReply | Promise<FastifyReply> {
  const { status, headers, etag, segments, bases } = response;
  // Vary is merged with whatever a hook set before (the fast path, which has no such hooks, sends it alone).
  const vary = reply.getHeader('vary');
  reply.code(status);
  for (const [name, value] of headers) reply.header(name, value);
  reply.header('vary', vary === undefined || vary === '' ? SEQUENCE_VARY : `${String(vary)}, ${SEQUENCE_VARY}`);
  if (matchesEtag(request.headers['if-none-match'], etag)) {
    reply.removeHeader('content-range');
    return reply.code(304).send();
  }

  const header =
    representation === 'fasta'
      ? fastaHeader(request.params as { id: string }, record, visibleAliases(store, request.viewer, record))
      : '';
  const length = representation === 'fasta' ? header.length + fastaLength(bases) : bases;
  reply.header('content-length', length);
  request.log.debug({ sequence: record.ga4gh, start: interval.start, end: interval.end, kind: interval.kind }, 'sequence');
  if (request.method === 'HEAD') return reply.send();

  if (bases <= BUFFER_LIMIT) {
    const parts = segments.map(([s, e]) => store.readRangeSync(record, s, e));
    const body = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    return reply.send(representation === 'fasta' ? Buffer.concat([Buffer.from(header), wrapFasta(body)]) : body);
  }
  const body = concatBlockReaders(segments.map(([s, e]) => store.blockReader(record, s, e)));
  return sendBlocks(reply, representation === 'fasta' ? new FastaBlockReader(header, body) : body).then(() => reply);
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}
