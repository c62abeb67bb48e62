// Pull-through mirroring: a digest the store lacks is fetched from the upstreams in order,
// verified against the digest asked for, stored through the ingest path, and only then served.
// Nothing unverified is ever served or kept: the body goes to a private temp file while both
// digests are computed; a mismatch, a cut body, an error or a timeout deletes it and stores
// nothing. Answering after verification (rather than streaming while fetching and cutting the
// connection on a mismatch) was chosen because a cut connection is not an error every client
// notices: a client that stops at the cut holds a wrong prefix, and samtools would trust it.
//
// Concurrent misses for one id share one fetch; at most `concurrency` fetches run at once (the
// rest queue); an id that no upstream has, or that failed, is remembered for a short time so a
// client asking again and again does not hammer the upstreams.
import { accessSync, constants, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DEFAULT_UPSTREAM_CONCURRENCY,
  DEFAULT_UPSTREAM_NOT_FOUND_TTL_SECONDS,
  DEFAULT_UPSTREAM_TIMEOUT_SECONDS,
  type ServerConfig,
} from '../config.js';
import { AppError } from '../errors.js';
import { importSequenceFile } from '../store/import-sequence.js';
import { IngestSession } from '../store/ingest-session.js';
import { indexPath } from '../store/layout.js';
import { BoundedCache } from '../store/bounded-cache.js';
import { Slots } from '../store/slots.js';
import { fetchFromUpstream, type Attempt, type DigestId, type FetchLimits } from './upstream-fetch.js';

export interface MirrorOptions extends FetchLimits {
  /** base URLs (or `…%s` templates), tried in order */
  readonly upstreams: readonly string[];
  readonly storeDir: string;
  /** fetches running at once */
  readonly concurrency: number;
  /** distinct ids that may wait for a fetch slot; a miss past it is refused (503), not queued */
  readonly maxQueued: number;
  /** how long an id that no upstream has is answered 404 without asking again */
  readonly notFoundTtlMs: number;
  /** how long an id whose fetch failed is answered with that failure without asking again */
  readonly failureTtlMs: number;
  /** how long to wait for another writer (an ingest) before giving up on storing */
  readonly lockWaitMs: number;
}

/** How a miss ended, for the request that waited on it (and its metrics). */
export interface FillOutcome {
  /** stored: fetched, verified and committed by this fill; present: the store had it (another
   * process or an ingest stored it meanwhile); not_found: no upstream has it; failed: see error */
  readonly result: 'stored' | 'present' | 'not_found' | 'failed';
  /** fetch: this request's fill asked upstream; shared: it waited on a fill another request had
   * started; cache: answered from the negative cache; refused: too many ids were waiting */
  readonly via: 'fetch' | 'shared' | 'cache' | 'refused';
  /** the upstream requests this fill made (only on the outcome of the request that started it) */
  readonly attempts: readonly Attempt[];
  readonly error?: { code: 'UPSTREAM_FAILED' | 'UPSTREAM_TIMEOUT' | 'STORE_LOCKED' | 'OVERLOADED'; message: string };
}

/**
 * Distinct missing ids that may wait for a fetch at once. A client asking for thousands of made-up
 * digests would otherwise queue a fetch for each (and hold a connection per request) for as long
 * as the upstreams take; past this it gets 503 at once, and the fetches under way are not slowed.
 */
const MAX_QUEUED = 256;

/** Bases an upstream body may have: the longest sequence a store row can hold. */
export const MAX_BASES = 0xffffffff;

/** The mirror `serve` runs for its settings (config.upstreams must not be empty). */
export function mirrorFromConfig(config: ServerConfig): Mirror {
  const notFoundTtlMs = config.upstreamNotFoundTtlMs ?? DEFAULT_UPSTREAM_NOT_FOUND_TTL_SECONDS * 1000;
  const timeoutMs = config.upstreamTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_SECONDS * 1000;
  return new Mirror({
    upstreams: config.upstreams ?? [],
    storeDir: config.storeDir,
    concurrency: config.upstreamConcurrency ?? DEFAULT_UPSTREAM_CONCURRENCY,
    maxQueued: MAX_QUEUED,
    headersTimeoutMs: timeoutMs,
    idleTimeoutMs: timeoutMs,
    maxBases: MAX_BASES,
    notFoundTtlMs,
    // Short: a failing upstream is spared a storm of retries, a recovered one is used again soon.
    failureTtlMs: Math.min(5_000, notFoundTtlMs),
    lockWaitMs: 60_000,
  });
}

/**
 * Makes `dir` ready for a mirror or a pull: created (an empty store) if it does not exist,
 * writable (a clear error at start instead of a failure on the first miss), and rid of the
 * downloads of runs that were killed.
 */
export function prepareMirrorStore(dir: string): void {
  try {
    mkdirSync(mirrorTempDir(dir), { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new AppError(
      'READ_ONLY',
      `--upstream needs a store it can write to, and ${dir} is not (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  // Downloads of a mirror or pull that was killed: never imported, so never needed.
  removeOrphans(mirrorTempDir(dir));
  // An empty commit creates the index (schema and all) if there is none. Only then: an existing
  // store may be in the middle of an ingest, which a mirror starting up must not wait for.
  if (!existsSync(indexPath(dir))) IngestSession.open(dir).commit();
}

/** The temp files of this store's mirror downloads (one per fetch under way). */
export const mirrorTempDir = (storeDir: string): string => join(storeDir, 'mirror-tmp');

export class Mirror {
  private readonly inFlight = new Map<string, Promise<FillOutcome>>();
  private readonly remembered: BoundedCache<string, { until: number; outcome: FillOutcome }>;
  private readonly slots: Slots;
  private readonly tempDir: string;
  private nextTemp = 0;

  constructor(private readonly options: MirrorOptions) {
    if (options.upstreams.length === 0) throw new Error('a mirror needs at least one upstream');
    this.tempDir = mirrorTempDir(options.storeDir);
    mkdirSync(this.tempDir, { recursive: true });
    this.slots = new Slots(options.concurrency);
    this.remembered = new BoundedCache({ entries: 10_000 });
  }

  get upstreams(): readonly string[] {
    return this.options.upstreams;
  }

  /** Fetches, verifies and stores `id` unless it is under way already (then waits for that). */
  async fill(id: DigestId): Promise<FillOutcome> {
    const key = id.kind === 'md5' ? `m:${id.md5}` : `g:${id.digest}`;
    const known = this.remembered.get(key);
    if (known !== undefined && known.until > Date.now()) return { ...known.outcome, via: 'cache', attempts: [] };
    const running = this.inFlight.get(key);
    if (running !== undefined) return { ...(await running), via: 'shared', attempts: [] };
    if (this.slots.queued >= this.options.maxQueued) {
      return {
        result: 'failed',
        via: 'refused',
        attempts: [],
        error: { code: 'OVERLOADED', message: `${this.options.maxQueued} other missing ids are waiting for upstream; try again` },
      };
    }
    const fill = this.slots.run(() => this.fetchAndStore(id));
    this.inFlight.set(key, fill);
    try {
      const outcome = await fill;
      const ttl =
        outcome.result === 'not_found' ? this.options.notFoundTtlMs : outcome.result === 'failed' ? this.options.failureTtlMs : 0;
      if (ttl > 0) this.remembered.set(key, { until: Date.now() + ttl, outcome: { ...outcome, attempts: [] } });
      return outcome;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private async fetchAndStore(id: DigestId): Promise<FillOutcome> {
    const temp = join(this.tempDir, `${process.pid}-${this.nextTemp++}.part`);
    const attempts: Attempt[] = [];
    const outcome = (result: FillOutcome['result'], error?: FillOutcome['error']): FillOutcome => ({
      result,
      via: 'fetch',
      attempts,
      ...(error === undefined ? {} : { error }),
    });
    try {
      for (const upstream of this.options.upstreams) {
        const { attempts: made, fetched } = await fetchFromUpstream(upstream, id, temp, this.options);
        if (fetched === undefined) {
          attempts.push(...made);
          continue;
        }
        const matches = id.kind === 'md5' ? fetched.md5 === id.md5 : fetched.ga4gh === id.digest;
        if (!matches) {
          const last = made.pop()!;
          made.push({
            ...last,
            result: 'mismatch',
            detail:
              `the ${fetched.length} bases it sent have ` +
              (id.kind === 'md5' ? `md5 ${fetched.md5}` : `digest SQ.${fetched.ga4gh}`) +
              ', not the one asked for',
          });
          attempts.push(...made);
          continue;
        }
        attempts.push(...made);
        const { added } = await importSequenceFile(this.options.storeDir, temp, fetched, {
          lockWaitMs: this.options.lockWaitMs,
        });
        return outcome(added ? 'stored' : 'present');
      }
    } catch (err) {
      if (err instanceof AppError && err.code === 'STORE_LOCKED') {
        return outcome('failed', { code: 'STORE_LOCKED', message: 'the store is busy with an ingest; try again later' });
      }
      throw err;
    } finally {
      await rm(temp, { force: true });
    }
    if (attempts.every((a) => a.result === 'not_found')) return outcome('not_found');
    const failures = attempts.filter((a) => a.result !== 'not_found');
    const message = `no upstream supplied a verified copy: ${failures.map((a) => `${a.url}: ${a.detail ?? a.result}`).join('; ')}`;
    const timedOut = failures.every((a) => a.result === 'timeout');
    return outcome('failed', { code: timedOut ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_FAILED', message });
  }
}

/**
 * Deletes temp files left by a mirror process that is gone (killed mid-fetch): a file's name
 * starts with the pid of the process writing it, so another server on the same store keeps its own.
 */
function removeOrphans(dir: string): void {
  for (const name of readdirSync(dir)) {
    const pid = Number(/^(\d+)-/.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid !== process.pid && processAlive(pid)) continue;
    rmSync(join(dir, name), { force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
