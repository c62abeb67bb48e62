// GET|HEAD /sequence/:id — the sequence, a start/end subsequence (200) or a Range (206), in the
// decision order of spec §2.4.5: resolve id (404/300) → Accept (406) → interval (400/416/501).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { negotiate, contentTypeOf, type Representation } from '../media-types.js';
import { resolveInterval, contentRange, type RequestedInterval } from '../interval.js';
import { resolveSequence } from '../resolve-sequence.js';
import { concatBlockReaders, sendBlocks } from '../send-blocks.js';
import { FastaBlockReader, fastaHeader, fastaLength, wrapFasta } from '../fasta-format.js';
import { ErrorResponse, SequenceParams, SequenceQuery } from '../schemas.js';
import type { SequenceRecord } from '../../store/types.js';
import type { SequenceStore } from '../../store/sequence-store.js';

const OFFERED: readonly Representation[] = ['sequence', 'fasta'];
/**
 * Bodies up to this size are read in one go into a Buffer of their own; larger ones (plain or
 * FASTA) are written block by block from reused buffers (send-blocks.ts). (Sending
 * ranges from 64 KiB up by blocks too was slower: a 70/20/10 mix of slices, metadata and 1 Mbp
 * ranges under wrk, two workers: 7.8-7.9k req/s against 8.4-11.1k.)
 */
const BUFFER_LIMIT = 1 << 20;
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** A response to a bearer token (private collections) must not be kept by shared caches. */
const IMMUTABLE_PRIVATE = 'private, max-age=31536000, immutable';

interface SequenceRequest {
  Params: { id: string };
  Querystring: { start?: string | string[]; end?: string | string[]; accept?: string };
}

export async function sequenceRoutes(app: FastifyInstance): Promise<void> {
  app.route<SequenceRequest>({
    method: ['GET', 'HEAD'],
    url: '/sequence/:id',
    exposeHeadRoute: false,
    schema: {
      summary: 'Get a sequence or subsequence',
      description: 'Whole sequence, `start`/`end` subsequence (0-based, half-open; start > end wraps a circular sequence), or one `Range: bytes=first-last` (206). Identifiers: md5, trunc512, SQ.…, with optional `md5:`/`trunc512:`/`ga4gh:` prefixes, or `authority:alias`.',
      tags: ['refget'],
      params: SequenceParams,
      querystring: SequenceQuery,
      headers: { type: 'object', properties: { range: { type: 'string', description: 'bytes=first-last (inclusive)' } } },
      response: {
        200: { description: 'The sequence (text/vnd.ga4gh.refget.v2.0.0+plain; charset=us-ascii), or FASTA when asked for text/x-fasta', content: { 'text/vnd.ga4gh.refget.v2.0.0+plain': { schema: { type: 'string' } }, 'text/x-fasta': { schema: { type: 'string' } } } },
        206: { description: 'The bytes named by the Range header', content: { 'text/vnd.ga4gh.refget.v2.0.0+plain': { schema: { type: 'string' } } } },
        300: ErrorResponse, 400: ErrorResponse, 404: ErrorResponse, 406: ErrorResponse, 416: ErrorResponse, 501: ErrorResponse,
      },
    },
    handler: async (request, reply) => {
      const { store, config } = request.server;
      const record = resolveSequence(store, request.params.id, request.viewer);
      const representation = negotiate(request.query.accept ?? request.headers.accept, OFFERED);
      const interval = resolveInterval({
        start: request.query.start,
        end: request.query.end,
        range: request.headers.range,
        length: record.length,
        circular: record.circular,
        circularSupported: config.circularSupported,
        subsequenceLimit: config.subsequenceLimit,
      });
      return sendSequence(store, request, reply, record, interval, representation);
    },
  });
}

function sendSequence(store: SequenceStore, request: FastifyRequest, reply: FastifyReply, record: SequenceRecord,
  interval: RequestedInterval, representation: Representation): FastifyReply | Promise<FastifyReply> {
  const segments: [number, number][] = interval.wraps
    ? [[interval.start, record.length], [0, interval.end]]
    : [[interval.start, interval.end]];
  const bases = segments.reduce((n, [s, e]) => n + e - s, 0);
  // A 206 carries the validator of the whole representation, as a 200 for the same request would
  // (RFC 9110 §15.3.7), so If-None-Match is checked against it before the Range applies (§13.2.2).
  const [tagStart, tagEnd] = interval.kind === 'range' ? [0, record.length] : [interval.start, interval.end];
  const etag = `"${record.ga4gh}.${tagStart}-${tagEnd}${representation === 'fasta' ? '.fa' : ''}"`;

  reply.code(interval.kind === 'range' ? 206 : 200)
    .type(contentTypeOf(representation))
    .header('accept-ranges', interval.kind === 'query' ? 'none' : 'bytes')
    .header('etag', etag)
    .header('cache-control', request.viewer !== null && !request.viewer.anonymous ? IMMUTABLE_PRIVATE : IMMUTABLE);
  // The same URL gives plain text or FASTA depending on Accept, and the answer is cached as
  // public + immutable: shared caches must key it on Accept (RFC 9110 §12.5.5).
  const vary = reply.getHeader('vary');
  reply.header('vary', vary === undefined || vary === '' ? 'Accept' : `${String(vary)}, Accept`);
  if (interval.kind === 'range') reply.header('content-range', contentRange(interval, record.length));
  if (matchesEtag(request.headers['if-none-match'], etag)) {
    reply.removeHeader('content-range');
    return reply.code(304).send();
  }

  const header = representation === 'fasta' ? fastaHeader(request.params as { id: string }, record, store.aliasesOf(record)) : '';
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
