// Fetches one sequence from one upstream refget server into a file, normalising (spec §2.8: drop
// non-letters, upper-case) and hashing it on the way, so the caller learns both digests of what
// arrived before any of it goes near the store. Bytes go to disk as they come (1 MiB at a time,
// each write awaited before the next read), so a 250 Mbp chromosome never sits in memory, and a
// stalled or endless upstream is cut by timeouts and a length bound.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { sha512t24uToTrunc512 } from '../checksum/digests.js';
import { BodyScanner, SCAN_WINDOW } from '../fasta/scan-body.js';

/** What is being fetched: the digest the caller asked for (ga4gh without 'SQ.'). */
export type DigestId = { kind: 'md5'; md5: string } | { kind: 'ga4gh'; digest: string };

export interface FetchLimits {
  /** longest wait for the upstream's response headers */
  readonly headersTimeoutMs: number;
  /** longest gap between two pieces of the body */
  readonly idleTimeoutMs: number;
  /** most bases accepted; a longer body is cut and fails */
  readonly maxBases: number;
  /**
   * Slowest average rate (bytes/s) accepted once a body has run for idleTimeoutMs: an upstream
   * that drips a byte now and then would otherwise hold a fetch slot for ever. Default 16 KiB/s.
   */
  readonly minBytesPerSecond?: number;
}

export type AttemptResult = 'ok' | 'not_found' | 'mismatch' | 'error' | 'timeout';

/** One request to one upstream, as /metrics and the logs report it. */
export interface Attempt {
  readonly upstream: string;
  readonly url: string;
  readonly result: AttemptResult;
  /** body bytes received */
  readonly bytes: number;
  /** why it failed (status, timeout, digest mismatch), for the log and the 502 message */
  readonly detail?: string;
}

export interface Fetched {
  readonly length: number;
  readonly md5: string;
  /** sha512t24u without 'SQ.' */
  readonly ga4gh: string;
}

const ACCEPT_ANY_PLAIN =
  'text/vnd.ga4gh.refget.v2.0.0+plain, text/vnd.ga4gh.refget.v1.0.0+plain;q=0.9, text/plain;q=0.8, */*;q=0.1';
const ACCEPT_V1 = 'text/vnd.ga4gh.refget.v1.0.0+plain';
/**
 * Scanners of finished fetches, for the next ones: each holds a WebAssembly instance with 2 MiB of
 * memory, and making one per fetch left a 7,847-protein pull spending 20 of its 50 s collecting
 * them. At most as many as fetches ever ran at once.
 */
const idleScanners: BodyScanner[] = [];

/** Scanner table: a letter → its upper-case byte; anything else → 0 (dropped), as spec §2.8 says. */
const LETTERS_ONLY = new Uint8Array(256);
for (let c = 0x41; c <= 0x5a; c++) {
  LETTERS_ONLY[c] = c;
  LETTERS_ONLY[c + 0x20] = c;
}

/**
 * The requests to try on one upstream, in order. A base URL gets the v2 form first (`SQ.` ids,
 * a v2-first Accept); a server that refuses the media type (406) is asked with v1's, and one that
 * does not know `SQ.` ids (400/404) is asked by trunc512, the v1 form of the same digest. An
 * upstream written with `%s` (an ENA-style `…/cram/md5/%s` URL) takes md5 ids only.
 */
export function requestsFor(upstream: string, id: DigestId): { url: string; accept: string; fallbackOn: number[] }[] {
  if (upstream.includes('%s')) {
    return id.kind === 'md5' ? [{ url: upstream.replace('%s', id.md5), accept: '*/*', fallbackOn: [] }] : [];
  }
  const base = upstream.replace(/\/+$/, '');
  const v2Id = id.kind === 'md5' ? id.md5 : `SQ.${id.digest}`;
  const v1Id = id.kind === 'md5' ? id.md5 : sha512t24uToTrunc512(id.digest);
  return [
    { url: `${base}/sequence/${v2Id}`, accept: ACCEPT_ANY_PLAIN, fallbackOn: id.kind === 'md5' ? [406] : [400, 404, 406] },
    { url: `${base}/sequence/${v1Id}`, accept: ACCEPT_V1, fallbackOn: [] },
  ];
}

/**
 * Tries the requests for `id` on one upstream and writes the first successful body, normalised,
 * to `file` (created or truncated). Returns every attempt made and, when a body arrived whole,
 * its digests; whether those match `id` is the caller's decision (verification is not the
 * fetcher's job, and the caller reports a mismatch itself).
 */
export async function fetchFromUpstream(
  upstream: string,
  id: DigestId,
  file: string,
  limits: FetchLimits,
): Promise<{ attempts: Attempt[]; fetched?: Fetched }> {
  const attempts: Attempt[] = [];
  const requests = requestsFor(upstream, id);
  for (let i = 0; i < requests.length; i++) {
    const request = requests[i]!;
    const { attempt, fetched, status } = await fetchOne(upstream, request.url, request.accept, file, limits);
    attempts.push(attempt);
    if (fetched !== undefined) return { attempts, fetched };
    if (status === undefined || !request.fallbackOn.includes(status)) break;
  }
  return { attempts };
}

async function fetchOne(
  upstream: string,
  url: string,
  accept: string,
  file: string,
  limits: FetchLimits,
): Promise<{ attempt: Attempt; fetched?: Fetched; status?: number }> {
  const controller = new AbortController();
  let timedOut = '';
  let timer = setTimeout(() => {
    timedOut = `no response within ${limits.headersTimeoutMs} ms`;
    controller.abort();
  }, limits.headersTimeoutMs);
  let bytes = 0;
  let answered = false;
  let scanner: BodyScanner | undefined;
  const fail = (result: AttemptResult, detail: string, status?: number): { attempt: Attempt; status?: number } => ({
    attempt: { upstream, url, result, bytes, detail },
    ...(status === undefined ? {} : { status }),
  });
  try {
    const response = await fetch(url, { headers: { accept }, signal: controller.signal, redirect: 'follow' });
    answered = true;
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      return fail(response.status === 404 ? 'not_found' : 'error', `HTTP ${response.status}`, response.status);
    }
    if (response.body === null) return fail('error', 'HTTP 200 without a body');
    const restartIdle = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = `the body stalled for ${limits.idleTimeoutMs} ms after ${bytes} bytes`;
        controller.abort();
      }, limits.idleTimeoutMs);
    };
    restartIdle();
    const md5 = createHash('md5');
    const sha512 = createHash('sha512');
    const out = await open(file, 'w');
    // The FASTA parser's SIMD scanner, with a table that keeps letters (upper-cased) and drops
    // every other byte. Hashing stays on this thread: on two cores, with the upstream on the same
    // machine, the ingest's hash workers made a 250 Mbp fetch slower (3.6-3.8 s against 2.3-2.6 s).
    scanner = idleScanners.pop() ?? new BodyScanner(LETTERS_ONLY);
    const normalised = scanner.output;
    let filled = 0;
    let length = 0;
    let tooLong = false;
    const flush = async (): Promise<void> => {
      length += filled;
      if (length > limits.maxBases) {
        tooLong = true;
        return;
      }
      const view = normalised.subarray(0, filled);
      md5.update(view);
      sha512.update(view);
      await out.write(normalised, 0, filled);
      filled = 0;
    };
    try {
      const began = Date.now();
      const minRate = limits.minBytesPerSecond ?? 16 << 10;
      for await (const piece of response.body as AsyncIterable<Uint8Array>) {
        restartIdle();
        bytes += piece.length;
        const elapsed = Date.now() - began;
        if (elapsed > limits.idleTimeoutMs && (bytes * 1000) / elapsed < minRate) {
          timedOut = `the body came at ${Math.round((bytes * 1000) / elapsed)} bytes/s (${bytes} bytes in ${elapsed} ms)`;
          break;
        }
        // Non-letters are dropped, so the bases bound alone would let a body of spaces run for ever.
        if (bytes > limits.maxBases * 2 + SCAN_WINDOW) {
          return fail(
            'error',
            `the body is over ${bytes - piece.length} bytes, more than twice the ${limits.maxBases}-base limit`,
          );
        }
        scanner.begin(piece);
        for (let i = 0; i < piece.length && !tooLong;) {
          // Output never outgrows input: capping the input at the free output space is enough.
          i = scanner.scan(i, Math.min(piece.length, i + (SCAN_WINDOW - filled)), filled, 0);
          filled = scanner.outPos;
          if (filled === SCAN_WINDOW) await flush();
        }
        // Leaving the loop cancels the body: the rest of an endless one is never read.
        if (tooLong) break;
      }
      if (timedOut !== '') return fail('timeout', timedOut);
      if (!tooLong) await flush();
      if (tooLong) return fail('error', `the body is longer than ${limits.maxBases} bases`);
    } finally {
      await out.close();
    }
    return {
      attempt: { upstream, url, result: 'ok', bytes },
      fetched: { length, md5: md5.digest('hex'), ga4gh: sha512.digest('base64url').slice(0, 32) },
    };
  } catch (err) {
    if (timedOut !== '') return fail('timeout', timedOut);
    // fetch's own errors hide the cause (refused, reset, a body cut short) one level down.
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    return fail('error', answered ? `the body was cut off after ${bytes} bytes (${why})` : `no answer (${why})`);
  } finally {
    clearTimeout(timer);
    if (scanner !== undefined) idleScanners.push(scanner);
  }
}
