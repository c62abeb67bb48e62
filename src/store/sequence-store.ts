// The read side of the store, used by the server and by `refget verify`/`list`. Opens the index
// read-only; WAL lets it see sequences committed by a concurrent ingest without reopening.
import { statSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { Statement } from 'better-sqlite3';
import { AppError } from '../errors.js';
import { openIndexDb, type Db } from './index/database.js';
import { indexPath, packPath } from './layout.js';
import { PackReader } from './pack/pack-reader.js';
import { decodeTwoBit, decodeTwoBitInto, deserialiseRuns, packedSize, EXCEPTION_RUN_BYTES, type ExceptionRuns } from './codec/twobit.js';
import type { Alias, SequenceLookup, SequenceRecord } from './types.js';
import { CollectionIndex } from './collection-index.js';
import { DiscoveryIndex } from './discovery-index.js';

interface SequenceRow {
  id: number; ga4gh: string; md5: string; length: number; circular: number; encoding: 'twobit' | 'raw';
  pack_id: number; offset: number; byte_length: number; exception_count: number;
}

const toRecord = (r: SequenceRow): SequenceRecord => ({
  rowId: r.id, ga4gh: r.ga4gh, md5: r.md5, length: r.length, circular: r.circular === 1,
  encoding: r.encoding, packId: r.pack_id, offset: r.offset, byteLength: r.byte_length, exceptionCount: r.exception_count,
});

const SEQ_COLUMNS = 's.id, s.ga4gh, s.md5, s.length, s.circular, s.encoding, s.pack_id, s.offset, s.byte_length, s.exception_count';

export type StoreProbe =
  | { ok: true; sequence: string }
  | { ok: false; problem: 'EMPTY' | 'UNREADABLE'; message: string };

export interface StoreStats { sequences: number; collections: number; bytes: number }

/** Reads a range block by block into buffers its caller owns and reuses (see blockReader()). */
export interface BlockReader {
  /**
   * Reads the next min(target.length, bases left) bases into the start of target and returns how
   * many (0 once the range is done). One call at a time: the reader reuses its own read buffer.
   */
  read(target: Buffer): Promise<number>;
}

/**
 * Bases per block of streamRange() (verify, export-ref-cache): a stream holds at most two blocks
 * however slowly it is read, and 1 MiB keeps reads large. (HTTP bodies use blockReader().)
 */
export const STREAM_BLOCK_BASES = 1 << 20;
const RUNS_CACHE_ENTRIES = 512;
/** Found records per cache (by id, aliases, memberships): enough for every sequence of an assembly
 * to stay hot. Full lookup and alias caches (30,000 random proteins looked up) hold 6.5 MB of heap. */
const LOOKUP_CACHE_ENTRIES = 10_000;
/** How often (ms) the caches check for another connection's commits. */
const CACHE_CHECK_MS = 50;

export class SequenceStore {
  readonly dir: string;
  readonly collections: CollectionIndex;
  /** listings behind the discovery API (naming authorities, aliases, collections) */
  readonly discovery: DiscoveryIndex;
  private readonly db: Db;
  private readonly packs: PackReader;
  private readonly runsCache = new Map<number, ExceptionRuns>();
  private readonly lookupCache = new Map<string, SequenceRecord[]>();
  private readonly aliasCache = new Map<number, Alias[]>();
  private readonly membershipCache = new Map<number, number[]>();
  private cacheVersion = -1;
  private checkedAt = -Infinity;
  private readonly stmt: Record<string, Statement>;

  static open(dir: string): SequenceStore {
    return new SequenceStore(dir, openIndexDb(indexPath(dir), { readonly: true }));
  }

  private constructor(dir: string, db: Db) {
    this.dir = dir;
    this.db = db;
    this.collections = new CollectionIndex(db);
    this.discovery = new DiscoveryIndex(db);
    this.stmt = {
      dataVersion: db.prepare('PRAGMA data_version').pluck(),
      byMd5: db.prepare(`SELECT ${SEQ_COLUMNS} FROM sequences s WHERE s.md5 = ?`),
      byGa4gh: db.prepare(`SELECT ${SEQ_COLUMNS} FROM sequences s WHERE s.ga4gh = ?`),
      byAlias: db.prepare(`SELECT ${SEQ_COLUMNS} FROM aliases a JOIN sequences s ON s.id = a.sequence_id
        WHERE a.naming_authority = ? AND a.alias = ? ORDER BY s.ga4gh`),
      aliases: db.prepare('SELECT naming_authority, alias FROM aliases WHERE sequence_id = ? ORDER BY naming_authority, alias'),
      authorities: db.prepare('SELECT name FROM naming_authorities ORDER BY name').pluck(),
      packFile: db.prepare('SELECT file FROM packs WHERE id = ?').pluck(),
      recordNames: db.prepare('SELECT DISTINCT name FROM collection_members WHERE sequence_id = ? ORDER BY name').pluck(),
      packs: db.prepare('SELECT id, file, committed_size AS committedSize FROM packs ORDER BY id'),
      all: db.prepare(`SELECT ${SEQ_COLUMNS} FROM sequences s ORDER BY s.id`),
      first: db.prepare(`SELECT ${SEQ_COLUMNS} FROM sequences s ORDER BY s.id LIMIT 1`),
      countSequences: db.prepare('SELECT count(*) FROM sequences').pluck(),
      countCollections: db.prepare('SELECT count(*) FROM collections').pluck(),
      memberOf: db.prepare('SELECT DISTINCT collection_id FROM collection_members WHERE sequence_id = ?').pluck(),
      collectionIdByDigest: db.prepare('SELECT id FROM collections WHERE digest = ?').pluck(),
      collectionIdByName: db.prepare('SELECT collection_id FROM collection_names WHERE name = ?').pluck(),
    };
    this.packs = new PackReader((packId) => {
      const file = this.stmt.packFile!.get(packId) as string | undefined;
      if (file === undefined) throw new AppError('CORRUPT_PACK', `index names unknown pack ${packId}`);
      return packPath(dir, file);
    });
  }

  /** Every sequence matching the identifier: 0 or 1 for digests, possibly several for an alias. */
  lookup(id: SequenceLookup): SequenceRecord[] {
    // Hot path of every request. Found records are cached; misses are not, so a sequence that
    // an ingest has just committed is found by the very next request. A cached answer can only
    // change when an ingest adds to what an alias names (or a sequence's aliases and
    // collections): the caches are dropped once another connection has committed, which
    // PRAGMA data_version tells, checked at most every CACHE_CHECK_MS.
    this.invalidateIfChanged();
    const key = id.kind === 'alias' ? `a:${id.namingAuthority.toLowerCase()}:${id.alias}` : id.kind === 'md5' ? `m:${id.md5}` : `g:${id.digest}`;
    let found = this.lookupCache.get(key);
    if (found === undefined) {
      found = this.query(id);
      if (found.length === 0) return found;
      if (this.lookupCache.size >= LOOKUP_CACHE_ENTRIES) this.lookupCache.delete(this.lookupCache.keys().next().value!);
      this.lookupCache.set(key, found);
    }
    return found;
  }

  private query(id: SequenceLookup): SequenceRecord[] {
    let rows: SequenceRow[];
    switch (id.kind) {
      case 'md5': rows = this.stmt.byMd5!.all(id.md5) as SequenceRow[]; break;
      case 'ga4gh': rows = this.stmt.byGa4gh!.all(id.digest) as SequenceRow[]; break;
      case 'alias': rows = this.stmt.byAlias!.all(id.namingAuthority.toLowerCase(), id.alias) as SequenceRow[]; break;
    }
    return rows.map(toRecord);
  }

  aliasesOf(record: SequenceRecord): Alias[] {
    this.invalidateIfChanged();
    let aliases = this.aliasCache.get(record.rowId);
    if (aliases === undefined) {
      aliases = (this.stmt.aliases!.all(record.rowId) as { naming_authority: string; alias: string }[])
        .map((r) => ({ namingAuthority: r.naming_authority, alias: r.alias }));
      if (this.aliasCache.size >= LOOKUP_CACHE_ENTRIES) this.aliasCache.delete(this.aliasCache.keys().next().value!);
      this.aliasCache.set(record.rowId, aliases);
    }
    return aliases;
  }

  /** Ids of the collections this sequence belongs to (for private collections); cached. */
  collectionIdsOf(record: SequenceRecord): readonly number[] {
    this.invalidateIfChanged();
    let ids = this.membershipCache.get(record.rowId);
    if (ids === undefined) {
      ids = this.stmt.memberOf!.all(record.rowId) as number[];
      if (this.membershipCache.size >= LOOKUP_CACHE_ENTRIES) this.membershipCache.delete(this.membershipCache.keys().next().value!);
      this.membershipCache.set(record.rowId, ids);
    }
    return ids;
  }

  /** The id of the collection with this seqcol digest or human name, if any. */
  collectionIdByRef(ref: string): number | undefined {
    return (this.stmt.collectionIdByDigest!.get(ref) ?? this.stmt.collectionIdByName!.get(ref)) as number | undefined;
  }

  /** Drops cached lookups once another connection (an ingest) has committed. */
  private invalidateIfChanged(): void {
    // The check is a SQLite call (~3 µs, a tenth of a cached slice request): at most one per
    // CACHE_CHECK_MS. Positive answers may so lag a commit by that long; misses never do.
    const now = performance.now();
    if (now - this.checkedAt < CACHE_CHECK_MS) return;
    this.checkedAt = now;
    const version = this.stmt.dataVersion!.get() as number;
    if (version !== this.cacheVersion) {
      this.lookupCache.clear();
      this.aliasCache.clear();
      this.membershipCache.clear();
      this.cacheVersion = version;
    }
  }

  namingAuthorities(): string[] {
    return this.stmt.authorities!.all() as string[];
  }

  /** The record names this sequence had in the FASTA files it was ingested from. */
  recordNames(record: SequenceRecord): string[] {
    return this.stmt.recordNames!.all(record.rowId) as string[];
  }

  packFiles(): { id: number; path: string; committedSize: number }[] {
    return (this.stmt.packs!.all() as { id: number; file: string; committedSize: number }[])
      .map((p) => ({ id: p.id, path: packPath(this.dir, p.file), committedSize: p.committedSize }));
  }

  *allSequences(): Generator<SequenceRecord> {
    for (const row of this.stmt.all!.iterate() as IterableIterator<SequenceRow>) yield toRecord(row);
  }

  /** Bases [start, end) of a sequence, 0-based half-open, read and decoded in one go. */
  async readRange(record: SequenceRecord, start: number, end: number): Promise<Buffer> {
    checkRange(record, start, end);
    if (start === end) return Buffer.alloc(0);
    if (record.encoding === 'raw') return this.packs.read(record.packId, record.offset + start, end - start);
    const first = start >> 2;
    const packed = await this.packs.read(record.packId, record.offset + first, packedSize(end) - first);
    return decodeTwoBit(packed, start, end, this.runs(record));
  }

  /** Synchronous variant for small ranges (a 100-base slice costs one pread). */
  readRangeSync(record: SequenceRecord, start: number, end: number): Buffer {
    checkRange(record, start, end);
    if (start === end) return Buffer.alloc(0);
    if (record.encoding === 'raw') return this.packs.readSync(record.packId, record.offset + start, end - start);
    const first = start >> 2;
    const packed = this.packs.readSync(record.packId, record.offset + first, packedSize(end) - first);
    return decodeTwoBit(packed, start, end, this.runs(record));
  }

  /**
   * Bases [start, end) in blocks written into the caller's buffers: nothing is allocated per
   * block, so streaming a chromosome leaves no garbage (a fresh 1 MiB Buffer per block made V8
   * run a full mark-compact every 30-40 ms while serving two downloads).
   */
  blockReader(record: SequenceRecord, start: number, end: number): BlockReader {
    checkRange(record, start, end);
    let pos = start;
    let packed: Buffer | undefined; // the packed bytes of one block, reused
    const runs = record.encoding === 'twobit' ? this.runs(record) : undefined;
    return {
      read: async (target: Buffer): Promise<number> => {
        const from = pos;
        const n = Math.min(target.length, end - from);
        if (n === 0) return 0;
        if (runs === undefined) {
          await this.packs.readInto(record.packId, record.offset + from, target.subarray(0, n));
        } else {
          const first = from >> 2;
          const bytes = packedSize(from + n) - first;
          if (packed === undefined || packed.length < bytes) packed = Buffer.allocUnsafe(Math.max(bytes, (target.length >> 2) + 2));
          await this.packs.readInto(record.packId, record.offset + first, packed.subarray(0, bytes));
          decodeTwoBitInto(packed, from, from + n, runs, target);
        }
        pos = from + n;
        return n;
      },
    };
  }

  /** Streams bases [start, end) in blocks, so a whole chromosome is never held in memory. */
  streamRange(record: SequenceRecord, start: number, end: number): Readable {
    checkRange(record, start, end);
    let pos = start;
    const stream: Readable = new Readable({
      // One block read ahead while the consumer handles the last, so reading and decoding
      // overlap with it. Memory stays bounded at about two blocks per stream, whatever the length.
      highWaterMark: STREAM_BLOCK_BASES,
      read: () => {
        if (pos >= end) {
          stream.push(null);
          return;
        }
        const from = pos;
        pos = Math.min(end, pos + STREAM_BLOCK_BASES);
        this.readRange(record, from, pos).then((buf) => stream.push(buf), (err: Error) => stream.destroy(err));
      },
    });
    return stream;
  }

  /**
   * Readiness check, cheap enough for a probe every few seconds: the index answers, the store
   * holds a sequence, its first and last bases read back, and no pack is shorter than the index
   * says. Never throws; `message` may name files, so it is for the log, not for clients.
   */
  probe(): StoreProbe {
    try {
      const row = this.stmt.first!.get() as SequenceRow | undefined;
      if (row === undefined) return { ok: false, problem: 'EMPTY', message: 'the store holds no sequence' };
      const record = toRecord(row);
      if (record.length > 0) {
        this.readRangeSync(record, 0, 1);
        this.readRangeSync(record, record.length - 1, record.length);
      }
      for (const pack of this.packFiles()) {
        const size = statSync(pack.path).size;
        if (size < pack.committedSize) {
          return { ok: false, problem: 'UNREADABLE', message: `pack ${pack.path} has ${size} bytes, the index expects ${pack.committedSize}` };
        }
      }
      return { ok: true, sequence: record.ga4gh };
    } catch (err) {
      return { ok: false, problem: 'UNREADABLE', message: (err as Error).message };
    }
  }

  /** Counts and on-disk size (packs + index), for metrics; two count(*) queries and a stat per file. */
  stats(): StoreStats {
    let bytes = 0;
    for (const path of [indexPath(this.dir), `${indexPath(this.dir)}-wal`, ...this.packFiles().map((p) => p.path)]) {
      try {
        bytes += statSync(path).size;
      } catch {
        // no -wal file, or a pack removed under us: probe() reports that, metrics just skip it
      }
    }
    return {
      sequences: this.stmt.countSequences!.get() as number,
      collections: this.stmt.countCollections!.get() as number,
      bytes,
    };
  }

  close(): void {
    this.packs.close();
    this.db.close();
  }

  private runs(record: SequenceRecord): ExceptionRuns {
    let runs = this.runsCache.get(record.rowId);
    if (runs === undefined) {
      const at = record.offset + packedSize(record.length);
      const bytes = record.exceptionCount * EXCEPTION_RUN_BYTES;
      runs = deserialiseRuns(this.packs.readSync(record.packId, at, bytes), record.exceptionCount);
      if (this.runsCache.size >= RUNS_CACHE_ENTRIES) {
        this.runsCache.delete(this.runsCache.keys().next().value!);
      }
      this.runsCache.set(record.rowId, runs);
    } else {
      // refresh LRU position
      this.runsCache.delete(record.rowId);
      this.runsCache.set(record.rowId, runs);
    }
    return runs;
  }
}

function checkRange(record: SequenceRecord, start: number, end: number): void {
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= record.length)) {
    throw new RangeError(`invalid range [${start}, ${end}) for a sequence of length ${record.length}`);
  }
}
