// `refget pull --from URL DIGEST…`: copies whole sequence collections from a seqcol server. Each
// collection's level 2 is fetched and its digest recomputed (a server answering for another
// collection is caught before any sequence is fetched); then every sequence the store lacks is
// fetched, verified (its ga4gh digest and its length) and committed on its own, so an interrupted
// pull keeps what it had verified and a rerun fetches only what is missing; last, the collection
// (same names, order and seqcol digest) is stored in one transaction from the store's own rows,
// and its digest is computed once more from them.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { GA4GH_PREFIX } from '../checksum/digests.js';
import { AppError } from '../errors.js';
import { SeqcolBuilder } from '../seqcol/collection-builder.js';
import { computeSeqcol, validateLevel2 } from '../seqcol/collection.js';
import { addSequenceFile, openWhenFree } from '../store/import-sequence.js';
import { IngestSession } from '../store/ingest-session.js';
import { SequenceStore } from '../store/sequence-store.js';
import { prefixed } from '../ingest/ingest-files.js';
import { mirrorTempDir, prepareMirrorStore } from './mirror.js';
import { fetchFromUpstream, type FetchLimits } from './upstream-fetch.js';

export interface PullOptions extends FetchLimits {
  /** the seqcol (and refget) server's base URL */
  readonly from: string;
  readonly storeDir: string;
  /** human name for the collection (one digest only) */
  readonly name?: string | undefined;
  /** most bytes of a level-2 body */
  readonly maxLevel2Bytes: number;
  /** one line per event, for stderr */
  readonly onProgress?: (line: string) => void;
}

export interface PulledCollection {
  digest: string;
  sequences: number;
  bases: number;
  /** sequences fetched and verified by this run */
  fetched: number;
  /** sequences the store had already */
  present: number;
  /** body bytes received for the fetched sequences */
  bytes: number;
  /** the collection was new to the store (false: it was there, or this run only completed it) */
  added: boolean;
}

export interface PullSummary {
  from: string;
  collections: PulledCollection[];
  seconds: number;
}

const SEQCOL_DIGEST = /^[A-Za-z0-9_-]{32}$/;

export async function pullCollections(digests: readonly string[], options: PullOptions): Promise<PullSummary> {
  const began = process.hrtime.bigint();
  if (options.name !== undefined && digests.length !== 1)
    throw new AppError('INPUT_ERROR', '--name names one collection; give exactly one digest');
  for (const digest of digests) {
    if (!SEQCOL_DIGEST.test(digest)) throw new AppError('INPUT_ERROR', `'${digest.slice(0, 80)}' is not a seqcol digest`);
  }
  prepareMirrorStore(options.storeDir);
  const collections: PulledCollection[] = [];
  for (const digest of digests) collections.push(await pullOne(digest, options));
  return { from: options.from, collections, seconds: Number(process.hrtime.bigint() - began) / 1e9 };
}

async function pullOne(digest: string, options: PullOptions): Promise<PulledCollection> {
  const say = options.onProgress ?? (() => undefined);
  const level2 = await fetchLevel2(digest, options);
  const n = level2.names.length;
  const bases = level2.lengths.reduce((a, b) => a + b, 0);
  say(`${digest}: ${n} sequences, ${bases} bases`);
  const result: PulledCollection = { digest, sequences: n, bases, fetched: 0, present: 0, bytes: 0, added: false };
  // Read-only, like the server's: it sees each sequence this run commits (WAL) without a lock.
  const store = SequenceStore.open(options.storeDir);
  const batch = new ImportBatch(options.storeDir);
  // A few fetches at once, each into its own temp file: one at a time, a pull of many short
  // sequences spent most of its time waiting for the server. Adds to the batch take turns.
  let next = 0;
  let failure: { error: unknown } | undefined;
  let adding: Promise<unknown> = Promise.resolve();
  const claimed = new Set<string>();
  const fetcher = async (slot: number): Promise<void> => {
    const temp = join(mirrorTempDir(options.storeDir), `${process.pid}-pull-${slot}.part`);
    try {
      while (failure === undefined && next < n) {
        const i = next++;
        const ga4gh = level2.sequences[i]!.slice(GA4GH_PREFIX.length);
        const length = level2.lengths[i]!;
        const where = `${digest} [${i + 1}/${n}] ${level2.names[i]}`;
        if (claimed.has(ga4gh) || store.lookup({ kind: 'ga4gh', digest: ga4gh }).length > 0) {
          result.present++;
          continue;
        }
        claimed.add(ga4gh);
        const { attempts, fetched } = await fetchFromUpstream(options.from, { kind: 'ga4gh', digest: ga4gh }, temp, options);
        result.bytes += attempts.reduce((sum, a) => sum + a.bytes, 0);
        if (fetched === undefined) {
          const last = attempts[attempts.length - 1];
          throw new AppError(
            'UPSTREAM_FAILED',
            `${where}: SQ.${ga4gh}: ${last?.url ?? options.from}: ${last?.detail ?? 'failed'}`,
          );
        }
        if (fetched.ga4gh !== ga4gh || fetched.length !== length) {
          throw new AppError(
            'UPSTREAM_FAILED',
            `${where}: the server sent ${fetched.length} bases with digest SQ.${fetched.ga4gh} for SQ.${ga4gh} (${length} bases); nothing of it was kept`,
          );
        }
        const add = adding.then(() => batch.add(temp, { ...fetched, length }));
        adding = add.catch(() => undefined);
        await add;
        result.fetched++;
        say(`${where}: fetched ${length} bases`);
      }
    } catch (error) {
      failure ??= { error };
    } finally {
      await rm(temp, { force: true });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(FETCHES_AT_ONCE, n) }, (_, slot) => fetcher(slot)));
    if (failure !== undefined) throw failure.error;
    await batch.commit();
  } finally {
    // On a failure, what the batch holds was verified: keep it, so a rerun need not fetch it again.
    await batch.commit().catch(() => batch.rollback());
    store.close();
  }
  result.added = storeCollection(digest, level2, options);
  say(`${digest}: ${result.added ? 'stored' : 'already stored'} (${result.fetched} fetched, ${result.present} present)`);
  return result;
}

/** Sequences fetched at once. */
const FETCHES_AT_ONCE = 4;
/** A batch ends (is committed) after this many sequences, bases or milliseconds. */
const BATCH_SEQUENCES = 1000;
const BATCH_BASES = 256 << 20;
const BATCH_MS = 5_000;

/**
 * Verified sequences committed a batch at a time: a transaction (and its fsyncs) per protein made
 * a 7,847-protein pull take 70 s. The writer lock is held for one batch at most (5 s), so an
 * ingest or a mirror's fill waits that long at worst; a crash loses at most the batch under way.
 */
class ImportBatch {
  private session: IngestSession | undefined;
  private sequences = 0;
  private bases = 0;
  private startedAt = 0;

  constructor(private readonly dir: string) {}

  /** The batch under way holds this sequence (the read-only store sees it only once committed). */
  has(ga4gh: string): boolean {
    return this.session?.findByGa4gh(ga4gh) !== undefined;
  }

  async add(file: string, digests: { md5: string; ga4gh: string; length: number }): Promise<void> {
    if (this.session === undefined) {
      this.session = await openWhenFree(this.dir, { lockWaitMs: 60_000 });
      this.startedAt = Date.now();
    }
    try {
      await addSequenceFile(this.session, file, digests);
    } catch (err) {
      // A sequence half written into the pack: give the whole batch back rather than commit it.
      this.rollback();
      throw err;
    }
    this.sequences++;
    this.bases += digests.length;
    if (this.sequences >= BATCH_SEQUENCES || this.bases >= BATCH_BASES || Date.now() - this.startedAt >= BATCH_MS)
      await this.commit();
  }

  async commit(): Promise<void> {
    const session = this.session;
    if (session === undefined) return;
    this.session = undefined;
    this.sequences = 0;
    this.bases = 0;
    try {
      await session.startPackSync();
      session.commit();
    } catch (err) {
      session.rollback();
      throw err;
    }
  }

  rollback(): void {
    this.session?.rollback();
    this.session = undefined;
  }
}

/** The collection's level 2, checked: well-formed, `SQ.` ids, and the digest asked for. */
async function fetchLevel2(
  digest: string,
  options: PullOptions,
): Promise<{ names: string[]; lengths: number[]; sequences: string[] }> {
  const url = `${options.from.replace(/\/+$/, '')}/collection/${digest}?level=2`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.headersTimeoutMs + options.idleTimeoutMs);
  let text = '';
  try {
    const res = await fetch(url, { headers: { accept: 'application/json' }, signal: controller.signal });
    if (res.status === 404) throw new AppError('COLLECTION_NOT_FOUND', `${url}: the server has no collection ${digest}`);
    if (res.status !== 200) throw new AppError('UPSTREAM_FAILED', `${url}: HTTP ${res.status}`);
    for await (const piece of res.body as AsyncIterable<Uint8Array>) {
      text += Buffer.from(piece).toString('utf8');
      if (text.length > options.maxLevel2Bytes)
        throw new AppError('UPSTREAM_FAILED', `${url}: the level-2 body is larger than ${options.maxLevel2Bytes} bytes`);
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError(
      controller.signal.aborted ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_FAILED',
      `${url}: ${controller.signal.aborted ? 'timed out' : ((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message)}`,
    );
  } finally {
    clearTimeout(timer);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError('UPSTREAM_FAILED', `${url}: the answer is not JSON`);
  }
  const valid = validateLevel2(body);
  if (!valid.ok) throw new AppError('UPSTREAM_FAILED', `${url}: not a level-2 collection: ${valid.error}`);
  const { names, lengths, sequences } = valid.level2;
  if (names === undefined || lengths === undefined || sequences === undefined)
    throw new AppError('UPSTREAM_FAILED', `${url}: the collection lacks names, lengths or sequences`);
  const bad = sequences.findIndex((s) => !/^SQ\.[A-Za-z0-9_-]{32}$/.test(s));
  if (bad !== -1) throw new AppError('UPSTREAM_FAILED', `${url}: sequences[${bad}] is not a refget SQ. id`);
  const computed = computeSeqcol({ names, lengths, sequences }).digest;
  if (computed !== digest)
    throw new AppError(
      'UPSTREAM_FAILED',
      `${url}: the level 2 it sent has digest ${computed}, not ${digest}; nothing was fetched`,
    );
  return { names, lengths, sequences };
}

/** Stores the collection from the store's rows, in one transaction; false if it was there. */
function storeCollection(
  digest: string,
  level2: { names: string[]; lengths: number[]; sequences: string[] },
  options: PullOptions,
): boolean {
  const session = IngestSession.open(options.storeDir, { waitMs: 60_000 });
  try {
    const file = session.beginStagedFile();
    const builder = new SeqcolBuilder();
    for (let i = 0; i < level2.names.length; i++) {
      const ga4gh = level2.sequences[i]!.slice(GA4GH_PREFIX.length);
      const rowId = session.findByGa4gh(ga4gh);
      if (rowId === undefined) throw new Error(`SQ.${ga4gh} vanished from the store during the pull`);
      const name = level2.names[i]!;
      const pairDigest = builder.add(name, level2.lengths[i]!, GA4GH_PREFIX + ga4gh);
      session.stageMember(file, i, { name, rowId, ga4gh, pairDigest, line: i + 1 });
    }
    const duplicate = session.firstDuplicateName(file);
    if (duplicate !== undefined)
      throw new AppError(
        'INPUT_ERROR',
        `${digest}: the name '${duplicate.name}' is used twice; a store collection needs unique names`,
      );
    const seqcol = builder.finish(prefixed(session.stagedGa4ghSorted(file)), session.stagedPairDigestsSorted(file));
    if (seqcol.digest !== digest) throw new Error(`the stored members of ${digest} digest to ${seqcol.digest}`);
    const { added } = session.addCollection({
      digest,
      level1: seqcol.level1,
      file,
      sequenceCount: level2.names.length,
      totalLength: level2.lengths.reduce((a, b) => a + b, 0),
      source: `${options.from.replace(/\/+$/, '')}/collection/${digest}`,
      name: options.name,
    });
    session.commit();
    return added;
  } catch (err) {
    session.rollback();
    throw err;
  }
}
