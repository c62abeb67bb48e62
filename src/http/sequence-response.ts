// The status, headers and byte segments of a sequence response, decided once for both ways a
// request can be answered: the Fastify route (routes/sequence.ts) and the fast path
// (fast-path.ts). Neither writes these headers by itself, so the two cannot drift apart.
import { contentTypeOf, negotiate, type Representation } from './media-types.js';
import { contentRange, resolveInterval, type RequestedInterval } from './interval.js';
import { resolveSequence } from './resolve-sequence.js';
import type { Viewer } from './access.js';
import type { ServerConfig } from '../config.js';
import type { SequenceRecord } from '../store/types.js';
import type { SequenceStore } from '../store/sequence-store.js';

/** The route pattern of GET /sequence/:id (its metrics label on both paths). */
export const SEQUENCE_ROUTE = '/sequence/:id';

/** What GET /sequence/:id offers, the default first. */
export const SEQUENCE_REPRESENTATIONS: readonly Representation[] = ['sequence', 'fasta'];

/**
 * Bodies up to this size are read in one go into a Buffer of their own; larger ones (plain or
 * FASTA) are written block by block from reused buffers (send-blocks.ts). (Sending
 * ranges from 64 KiB up by blocks too was slower: a 70/20/10 mix of slices, metadata and 1 Mbp
 * ranges under wrk, two workers: 7.8-7.9k req/s against 8.4-11.1k.)
 */
export const BUFFER_LIMIT = 1 << 20;
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** A response to a bearer token (private collections) must not be kept by shared caches. */
const IMMUTABLE_PRIVATE = 'private, max-age=31536000, immutable';
/**
 * The same URL gives plain text or FASTA depending on Accept, and the answer is cached as
 * public + immutable: shared caches must key it on Accept (RFC 9110 §12.5.5).
 */
export const SEQUENCE_VARY = 'Accept';

export interface SequenceResponse {
  status: 200 | 206;
  /** Every header but Vary and Content-Length, in the order they are sent. */
  headers: [name: string, value: string][];
  etag: string;
  /** 0-based half-open pieces of the sequence, in body order (two for a circular wrap). */
  segments: [start: number, end: number][];
  bases: number;
}

export function sequenceResponse(
  record: SequenceRecord,
  interval: RequestedInterval,
  representation: Representation,
  privateViewer: boolean,
): SequenceResponse {
  const segments: [number, number][] = interval.wraps
    ? [
        [interval.start, record.length],
        [0, interval.end],
      ]
    : [[interval.start, interval.end]];
  const bases = interval.wraps ? record.length - interval.start + interval.end : interval.end - interval.start;
  // A 206 carries the validator of the whole representation, as a 200 for the same request would
  // (RFC 9110 §15.3.7), so If-None-Match is checked against it before the Range applies (§13.2.2).
  const [tagStart, tagEnd] = interval.kind === 'range' ? [0, record.length] : [interval.start, interval.end];
  const etag = `"${record.ga4gh}.${tagStart}-${tagEnd}${representation === 'fasta' ? '.fa' : ''}"`;
  const headers: [string, string][] = [
    ['content-type', contentTypeOf(representation)],
    ['accept-ranges', interval.kind === 'query' ? 'none' : 'bytes'],
    ['etag', etag],
    ['cache-control', privateViewer ? IMMUTABLE_PRIVATE : IMMUTABLE],
  ];
  if (interval.kind === 'range') headers.push(['content-range', contentRange(interval, record.length)]);
  return { status: interval.kind === 'range' ? 206 : 200, headers, etag, segments, bases };
}

/** What a GET /sequence/:id asks, as both paths read it from the request. */
export interface SequenceAsk {
  readonly id: string;
  readonly start: string | string[] | undefined;
  readonly end: string | string[] | undefined;
  /** the `accept` query parameter, else the Accept header */
  readonly accept: string | undefined;
  readonly range: string | undefined;
  readonly ifRange: string | undefined;
  readonly viewer: Viewer | null;
}

export interface SequencePlan {
  readonly record: SequenceRecord;
  readonly representation: Representation;
  readonly interval: RequestedInterval;
  readonly response: SequenceResponse;
}

/**
 * The answer to a GET /sequence/:id, in the decision order of spec §2.4.5: resolve the id
 * (404/300) → Accept (406) → interval (400/416/501) → status and headers. Throws the AppError
 * of the first rule the request breaks. The route and the fast path both answer from this.
 */
export function planSequence(store: SequenceStore, config: ServerConfig, ask: SequenceAsk): SequencePlan {
  const record = resolveSequence(store, ask.id, ask.viewer);
  const representation = negotiate(ask.accept, SEQUENCE_REPRESENTATIONS);
  const interval = resolveInterval({
    start: ask.start,
    end: ask.end,
    range: applicableRange(ask.range, ask.ifRange, record, representation),
    length: record.length,
    circular: record.circular,
    circularSupported: config.circularSupported,
    subsequenceLimit: config.subsequenceLimit,
  });
  const privateViewer = ask.viewer !== null && !ask.viewer.anonymous;
  return { record, representation, interval, response: sequenceResponse(record, interval, representation, privateViewer) };
}

/**
 * The Range header to apply (RFC 9110 §13.1.5): with If-Range, only when it is the current ETag
 * of the whole representation (strong comparison: a weak tag never matches); a date never
 * matches either, since no Last-Modified is sent. Otherwise the Range is ignored and the whole
 * representation is the answer (200), so a client resuming a download of changed bytes starts over.
 */
export function applicableRange(
  range: string | undefined,
  ifRange: string | undefined,
  record: SequenceRecord,
  representation: Representation,
): string | undefined {
  if (range === undefined || ifRange === undefined) return range;
  return ifRange.trim() === `"${record.ga4gh}.0-${record.length}${representation === 'fasta' ? '.fa' : ''}"` ? range : undefined;
}
