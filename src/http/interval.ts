// The one place HTTP start/end query parameters and Range headers become a 0-based interval (spec §2.4).
import { AppError } from '../errors.js';

export interface RequestedInterval {
  /** 0-based, inclusive. */
  start: number;
  /** 0-based, exclusive. For a circular wrap `start > end` and the result is seq[start:] + seq[:end]. */
  end: number;
  /** 'whole' → 200 full; 'query' → 200 + Accept-Ranges: none; 'range' → 206 + Content-Range. */
  kind: 'whole' | 'query' | 'range';
  wraps: boolean;
}

export interface IntervalInput {
  /** Raw query values: undefined (absent), a string, or a string[] for a repeated parameter. */
  start: unknown;
  end: unknown;
  /** Raw Range header; undefined when the header is absent. */
  range: string | undefined;
  /** Sequence length L. */
  length: number;
  /** Whether this sequence is circular. */
  circular: boolean;
  /** Whether the server advertises circular support (service-info `circular_supported`). */
  circularSupported: boolean;
  /** Maximum subsequence length; null or < 1 means unlimited (v2 service-info semantics). */
  subsequenceLimit: number | null;
}

/** Largest value of the spec's "32-bit unsigned integer" start/end. */
const UINT32_MAX = 4294967295;
const UNSIGNED = /^[0-9]+$/;
// One byte range: `bytes=first-last`, or one-sided as RFC 9110 §14.1.2 defines them,
// `bytes=first-` (to the end: what `curl -C -` and `wget -c` send to resume) and `bytes=-n` (the
// last n bytes). refget allows a single range, so lists are refused (400), as is every other form
// the compliance suite sends (`bytes=-10-`, `bytes=10--19`). The compliance documentation's
// sentence that one-sided ranges are 400 is untested by the suite; resuming downloads is worth
// more. The unit is matched case-insensitively (RFC 9110 §14.1: range units are).
const BYTE_RANGE = /^bytes=(?:([0-9]+)-([0-9]*)|-([0-9]+))$/i;

/**
 * Translates the request into an interval, following the decision order of spec §2.4.5
 * steps 4–7 exactly. Throws AppError: RANGE_WITH_QUERY / INVALID_PARAMETER / INVALID_RANGE (400),
 * RANGE_NOT_SATISFIABLE (416, with `details.length` for `Content-Range: bytes *\/L`),
 * CIRCULAR_UNSUPPORTED (501).
 *
 * Empty sequences (L = 0): a start/end request that selects nothing past the end — `?start=0`,
 * `?end=0`, `?start=0&end=0` — is 200 with an empty body. The "start ≥ L → 416" rule exists to
 * refuse a start position beyond the last base; on an empty sequence start=0 addresses the
 * whole (empty) sequence, exactly as `?start=0` does on any other sequence, so it stays valid.
 * `?start=1` is still 400 (start > L) and `?end=1` still 416 (end > L). Every Range on an empty
 * sequence is 416, because no first byte can satisfy first < L (RFC 9110 §14.1.2).
 */
export function resolveInterval(input: IntervalInput): RequestedInterval {
  const { length } = input;
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`resolveInterval: invalid sequence length ${String(length)}`);
  }
  // Presence, not validity: `?start=` (empty string) and `?start=a&start=b` count as present,
  // so they collide with a Range header before their own syntax is judged.
  const hasQuery = input.start !== undefined || input.end !== undefined;

  // Step 4: the spec forbids mixing the two ways of asking for a subsequence.
  if (input.range !== undefined && hasQuery) {
    throw new AppError('RANGE_WITH_QUERY', 'A Range header cannot be combined with start/end query parameters');
  }
  // Step 5.
  if (input.range !== undefined) return resolveRange(input.range, input);
  // Step 6.
  if (hasQuery) return resolveQuery(input);
  // Step 7: the subsequence limit deliberately does not apply to the whole sequence.
  return { start: 0, end: length, kind: 'whole', wraps: false };
}

function resolveRange(header: string, input: IntervalInput): RequestedInterval {
  const { length } = input;
  const match = BYTE_RANGE.exec(header.trim());
  if (match === null) {
    throw new AppError('INVALID_RANGE', 'Range must be one byte range: bytes=first-last, bytes=first- or bytes=-count');
  }
  // Digit strings too long for exact doubles still compare correctly against L (they only grow).
  let first: number;
  let last: number;
  if (match[3] !== undefined) {
    // Suffix range: the last n bytes, all of them when n ≥ L; n = 0 selects nothing (416).
    const count = Number(match[3]);
    if (count === 0) throw notSatisfiable('Range bytes=-0 selects no bytes', length);
    first = Math.max(0, length - count);
    last = length - 1;
  } else {
    first = Number(match[1]);
    last = match[2] === '' ? Infinity : Number(match[2]);
  }
  // The spec text says 400 for out-of-bounds ranges, but the compliance suite expects 416 for
  // first ≥ L and for first > last (spec §2.4.3); the suite wins.
  if (first >= length) throw notSatisfiable(`Range starts at or beyond the sequence end (length ${length})`, length);
  if (first > last) throw notSatisfiable('Range first byte is after its last byte', length);
  // RFC 9110 §14.1.2: a last byte past the end means "to the end"; the suite expects clamping.
  const end = Math.min(last, length - 1) + 1;
  enforceLimit(end - first, input);
  // Range never wraps a circular sequence (spec §2.4.2): first > last was refused above.
  return { start: first, end, kind: 'range', wraps: false };
}

function resolveQuery(input: IntervalInput): RequestedInterval {
  const { length } = input;
  const start = input.start === undefined ? undefined : parseUnsigned('start', input.start);
  const end = input.end === undefined ? undefined : parseUnsigned('end', input.end);

  // Spec MUST: an explicit start larger than the length is Bad Request (not 416).
  if (start !== undefined && start > length) {
    throw new AppError('INVALID_PARAMETER', `start (${start}) is larger than the sequence length (${length})`, {
      parameter: 'start',
    });
  }
  // Missing start = 0, missing end = L (compliance docs, tested by the suite via `?&end=5`).
  const from = start ?? 0;
  const to = end ?? length;

  // Bounds before the circular checks: the suite expects 416 for NC ?start=5386&end=5375 even on
  // a server without circular support. start == L is 416 even when end == start (suite). The
  // `length > 0` guard is the documented empty-sequence exception (see resolveInterval).
  if (length > 0 && from >= length) {
    throw notSatisfiable(`start (${from}) must be less than the sequence length (${length})`, length);
  }
  if (to > length) {
    throw notSatisfiable(`end (${to}) is larger than the sequence length (${length})`, length);
  }

  if (from > to) {
    if (!input.circularSupported) {
      throw new AppError('CIRCULAR_UNSUPPORTED', 'start > end requires circular sequence support, which this server lacks');
    }
    if (!input.circular) {
      throw notSatisfiable('start > end is only allowed on a circular sequence', length);
    }
    // The wrapped result is seq[from:] + seq[:to]; its length is what the limit sees.
    enforceLimit(length - from + to, input);
    return { start: from, end: to, kind: 'query', wraps: true };
  }

  enforceLimit(to - from, input);
  return { start: from, end: to, kind: 'query', wraps: false };
}

/** Strict uint32 parsing: `-1`, `+1`, `1.0`, `0x10`, '', ' 1' and repeated parameters are 400. */
function parseUnsigned(name: 'start' | 'end', raw: unknown): number {
  if (typeof raw !== 'string' || !UNSIGNED.test(raw)) {
    throw new AppError('INVALID_PARAMETER', `${name} must be an unsigned 32-bit integer`, { parameter: name });
  }
  const value = Number(raw);
  if (value > UINT32_MAX) {
    throw new AppError('INVALID_PARAMETER', `${name} must be at most ${UINT32_MAX}`, { parameter: name });
  }
  return value;
}

function enforceLimit(resultLength: number, input: IntervalInput): void {
  const limit = input.subsequenceLimit;
  if (limit === null || !(limit >= 1)) return;
  if (resultLength > limit) {
    throw notSatisfiable(`Requested ${resultLength} bases; the subsequence limit is ${limit}`, input.length, {
      subsequenceLimit: limit,
    });
  }
}

function notSatisfiable(message: string, length: number, extra?: Record<string, unknown>): AppError {
  return new AppError('RANGE_NOT_SATISFIABLE', message, { length, ...extra });
}

/** `Content-Range` value for a 206: `bytes first-last/L` (RFC 9110 §14.4, inclusive last byte). */
export function contentRange(interval: RequestedInterval, length: number): string {
  // A byte range is contiguous and non-empty; resolveRange never produces anything else.
  if (interval.wraps || interval.end <= interval.start) {
    throw new RangeError('contentRange: interval is not expressible as a single byte range');
  }
  return `bytes ${interval.start}-${interval.end - 1}/${length}`;
}

/** `Content-Range` value for a 416 (RFC 9110 §15.5.17): `bytes *\/L`. */
export function unsatisfiedContentRange(length: number): string {
  return `bytes */${length}`;
}
