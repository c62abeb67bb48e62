// The read side of the store, used by the server and by `refget verify`/`list`. Opens the index
// read-only; WAL lets it see sequences committed by a concurrent ingest without reopening.
import { statSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { Statement } from 'better-sqlite3';
import { AppError } from '../errors.js';
import { openIndexDb, type Db } from './index/database.js';
import { indexPath, packPath } from './layout.js';
import { BoundedCache } from './bounded-cache.js';
import { PackReader, SYNC_READ_LIMIT } from './pack/pack-reader.js';
import { codecOf, type RecordDecoder } from './codec/codec.js';
import { BLOCK_BYTES, blockCount, blockSum, firstBadBlock } from '../checksum/block-sums.js';
import { sequenceRowSum } from './row-sum.js';
import type { Alias, Encoding, SequenceLookup, SequenceRecord } from './types.js';
import { CollectionIndex } from './collection-index.js';
import { DiscoveryIndex } from './discovery-index.js';
import { CollectionWork } from './collection-work.js';
import { ALIAS_VISIBLE } from './visibility-sql.js';
import { Slots } from './slots.js';

interface SequenceRow {
  id: number;
  ga4gh: string;
  md5: string;
  length: number;
  circular: number;
  encoding: Encoding;
  pack_id: number;
  offset: number;
  byte_length: number;
  exception_count: number;
  block_sums_sum: number | null;
  row_sum: number | null;
}

// Not block_sums: a lookup reads the row's small columns only (the blob lives in overflow pages
// and made an md5 lookup of a 100 Mbp sequence 33 µs instead of 8); it is read with the bytes.
const SEQ_COLUMNS = `s.id, s.ga4gh, s.md5, s.length, s.circular, s.encoding, s.pack_id, s.offset, s.byte_length, s.exception_count,
  s.block_sums_sum, s.row_sum`;

/**
 * The record of a row, or why the row cannot be trusted: its checksum must match its columns,
 * and its columns must agree with each other (length, encoding, stored size, block count).
 */
export function recordOfRow(r: SequenceRow): SequenceRecord | string {
  if (r.block_sums_sum === null || r.row_sum === null) return 'the row has no checksums';
  const record: SequenceRecord = {
    rowId: r.id,
    ga4gh: r.ga4gh,
    md5: r.md5,
    length: r.length,
    circular: r.circular === 1,
    encoding: r.encoding,
    packId: r.pack_id,
    offset: r.offset,
    byteLength: r.byte_length,
    exceptionCount: r.exception_count,
    blockSumsSum: r.block_sums_sum,
  };
  if (sequenceRowSum(record) !== r.row_sum) return 'the row does not match its checksum';
  const codec = codecOf(r.encoding);
  if (codec === undefined || codec.storedBytes(r.length, r.exception_count) !== r.byte_length) return 'the row is inconsistent';
  return record;
}

export type StoreProbe =
  { ok: true; sequence: string } | { ok: false; problem: 'EMPTY' | 'UNREADABLE' | 'CORRUPT'; message: string };

export interface StoreStats {
  sequences: number;
  collections: number;
  bytes: number;
}

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
const DECODER_CACHE_ENTRIES = 512;
/** Found records per cache (by id, aliases, memberships): enough for every sequence of an assembly
 * to stay hot. Full lookup and alias caches (30,000 random proteins looked up) hold 6.5 MB of heap. */
const LOOKUP_CACHE_ENTRIES = 10_000;
/** Bytes of block checksums kept in memory: a 250 Mbp sequence has 61 KB of them. */
const BLOCK_SUMS_CACHE_BYTES = 8 << 20;
/** Reads up to this size (a slice's checksum blocks) use the store's one reused buffer. */
const SCRATCH_BYTES = 64 * 1024;
/** How often (ms) the caches check for another connection's commits. */
const CACHE_CHECK_MS = 50;
/** Whole-sequence reads for alphabet() at once. */
const ALPHABET_READS = 2;
/** A scan's pack read-ahead window and index mapping (see open). */
const SCAN_READ_AHEAD_BYTES = 4 << 20;
const SCAN_MMAP_BYTES = 1 << 30;

export class SequenceStore {
  readonly dir: string;
  readonly collections: CollectionIndex;
  /** listings behind the discovery API (naming authorities, aliases, collections) */
  readonly discovery: DiscoveryIndex;
  /** level-2 bodies and comparisons of collections, large ones off the event loop */
  readonly collectionWork: CollectionWork;
  private readonly db: Db;
  private readonly packs: PackReader;
  /** Decoders of recently read sequences (a 2-bit one holds the sequence's exception runs). */
  private readonly decoderCache = new BoundedCache<number, RecordDecoder>({ entries: DECODER_CACHE_ENTRIES });
  private readonly lookupCache = new BoundedCache<string, SequenceRecord[]>({ entries: LOOKUP_CACHE_ENTRIES });
  private readonly aliasCache = new BoundedCache<number, Alias[]>({ entries: LOOKUP_CACHE_ENTRIES });
  private readonly membershipCache = new BoundedCache<number, number[]>({ entries: LOOKUP_CACHE_ENTRIES });
  /** alphabet(): answers by row id (sequences never change), reads under way, and their limit */
  private readonly alphabetCache = new BoundedCache<number, string>({ entries: LOOKUP_CACHE_ENTRIES });
  private readonly alphabetReads = new Map<number, Promise<string>>();
  private readonly alphabetSlots = new Slots(ALPHABET_READS);
  private readonly holdingsCache = new BoundedCache<string, { sequences: number; bases: number; collections: number }>({
    entries: 64,
  });
  private cacheVersion = -1;
  private checkedAt = -Infinity;
  private readonly stmt: Record<string, Statement>;
  /** Damage found while serving (bytes or rows that failed their checksums): count and last detail. */
  private corruption = { count: 0, detail: '' };
  /** block checksums by row id, bounded in count and bytes */
  private readonly blockSumsCache = new BoundedCache<number, Uint8Array>({
    entries: LOOKUP_CACHE_ENTRIES,
    weight: { of: (sums) => sums.length, max: BLOCK_SUMS_CACHE_BYTES },
  });
  /** checkStoredBytes' reused buffer */
  private checkScratch: Buffer | undefined;
  /** storedSync's reused buffer */
  private scratch: Buffer | undefined;
  /** Told of each damage this store finds itself (the cluster passes it to the other workers). */
  onDamage: ((detail: string) => void) | undefined;

  /**
   * `inlineCollectionMembers`: see CollectionWork (tests set 0 to send every collection to the worker).
   * `scan`: opened to read everything once (verify): the index is memory-mapped (SQLite's integrity
   * check and the row scan then read pages without a system call each) and pack reads go through
   * a read-ahead window. Not for serving: a window pays off only for reads in pack order.
   */
  static open(dir: string, options: { inlineCollectionMembers?: number; scan?: boolean } = {}): SequenceStore {
    const db = openIndexDb(indexPath(dir), { readonly: true });
    if (options.scan === true) db.pragma(`mmap_size = ${SCAN_MMAP_BYTES}`);
    return new SequenceStore(dir, db, options.inlineCollectionMembers, options.scan === true ? SCAN_READ_AHEAD_BYTES : 0);
  }

  private constructor(dir: string, db: Db, inlineCollectionMembers: number | undefined, readAheadBytes: number) {
    this.dir = dir;
    this.db = db;
    this.collections = new CollectionIndex(db);
    this.collectionWork = new CollectionWork(db, indexPath(dir), inlineCollectionMembers);
    this.discovery = new DiscoveryIndex(db);
    this.stmt = {
      dataVersion: db.prepare('PRAGMA data_version').pluck(),
      byMd5: db.prepare(`SELECT ${SEQ_COLUMNS} FROM sequences s WHERE s.md5 = ?`),
      byGa4gh: db.prepare(`SELECT ${SEQ_COLUMNS} FROM sequences s WHERE s.ga4gh = ?`),
      byAlias: db.prepare(`SELECT ${SEQ_COLUMNS} FROM aliases a JOIN sequences s ON s.id = a.sequence_id
        WHERE a.naming_authority = ? AND a.alias = ? ORDER BY s.ga4gh`),
      aliases: db.prepare(`SELECT a.sequence_id, a.naming_authority, a.alias, json_group_array(src.collection_id) AS sources
        FROM aliases a LEFT JOIN alias_sources src
          ON src.naming_authority = a.naming_authority AND src.alias = a.alias AND src.sequence_id = a.sequence_id
        WHERE a.sequence_id = ? GROUP BY a.naming_authority, a.alias ORDER BY a.naming_authority, a.alias`),
      authorities: db.prepare('SELECT name FROM naming_authorities ORDER BY name').pluck(),
      visibleAuthorities: db
        .prepare(
          `SELECT n.name FROM naming_authorities n
        WHERE EXISTS (SELECT 1 FROM aliases a WHERE a.naming_authority = n.name AND ${ALIAS_VISIBLE}) ORDER BY n.name`,
        )
        .pluck(),
      packFile: db.prepare('SELECT file FROM packs WHERE id = ?').pluck(),
      addedAt: db.prepare('SELECT added_at FROM sequences WHERE id = ?').pluck(),
      holding: db.prepare(`SELECT m.collection_id AS id, c.digest, json_group_array(DISTINCT m.name) AS recordNames
        FROM collection_members m JOIN collections c ON c.id = m.collection_id
        WHERE m.sequence_id = @sequence AND m.collection_id NOT IN (SELECT value FROM json_each(@hidden))
        GROUP BY m.collection_id ORDER BY m.collection_id LIMIT @limit`),
      blockSums: db.prepare('SELECT block_sums FROM sequences WHERE id = ?').pluck(),
      recordNames: db.prepare('SELECT DISTINCT name FROM collection_members WHERE sequence_id = ? ORDER BY name').pluck(),
      packs: db.prepare('SELECT id, file, committed_size AS committedSize FROM packs ORDER BY id'),
      all: db.prepare(`SELECT ${SEQ_COLUMNS} FROM sequences s ORDER BY s.id`),
      allWithSums: db.prepare(`SELECT ${SEQ_COLUMNS}, s.block_sums FROM sequences s ORDER BY s.id`),
      first: db.prepare(`SELECT ${SEQ_COLUMNS} FROM sequences s ORDER BY s.id LIMIT 1`),
      countSequences: db.prepare('SELECT count(*) FROM sequences').pluck(),
      countCollections: db.prepare('SELECT count(*) FROM collections').pluck(),
      holdings: db.prepare('SELECT count(*) AS sequences, coalesce(sum(length), 0) AS bases FROM sequences'),
      // What a caller who may not see the collections in ? (a JSON array) may see.
      visibleHoldings: db.prepare(`SELECT count(*) AS sequences, coalesce(sum(length), 0) AS bases FROM sequences s
        WHERE EXISTS (SELECT 1 FROM collection_members m WHERE m.sequence_id = s.id AND m.collection_id NOT IN (SELECT value FROM json_each(?)))
        OR NOT EXISTS (SELECT 1 FROM collection_members m WHERE m.sequence_id = s.id)`),
      countVisibleCollections: db
        .prepare('SELECT count(*) FROM collections WHERE id NOT IN (SELECT value FROM json_each(?))')
        .pluck(),
      memberOf: db.prepare('SELECT DISTINCT sequence_id, collection_id FROM collection_members WHERE sequence_id = ?'),
      collectionIdByDigest: db.prepare('SELECT id FROM collections WHERE digest = ?').pluck(),
      collectionIdsByName: db
        .prepare(
          `SELECT collection_id FROM collection_names WHERE name = @name
        UNION SELECT collection_id FROM collection_name_history WHERE name = @name`,
        )
        .pluck(),
    };
    this.packs = new PackReader(
      (packId) => {
        const file = this.stmt.packFile!.get(packId) as string | undefined;
        if (file === undefined) throw new AppError('CORRUPT_STORE', `the index names pack ${packId}, which it does not list`);
        return packPath(dir, file);
      },
      { readAheadBytes },
    );
  }

  /** Every sequence matching the identifier: 0 or 1 for digests, possibly several for an alias. */
  lookup(id: SequenceLookup): SequenceRecord[] {
    // Hot path of every request. Found records are cached; misses are not, so a sequence that
    // an ingest has just committed is found by the very next request. A cached answer can only
    // change when an ingest adds to what an alias names (or a sequence's aliases and
    // collections): the caches are dropped once another connection has committed, which
    // PRAGMA data_version tells, checked at most every CACHE_CHECK_MS.
    this.invalidateIfChanged();
    const key =
      id.kind === 'alias'
        ? `a:${id.namingAuthority.toLowerCase()}:${id.alias}`
        : id.kind === 'md5'
          ? `m:${id.md5}`
          : `g:${id.digest}`;
    let found = this.lookupCache.get(key);
    if (found === undefined) {
      found = this.query(id);
      if (found.length === 0) return found;
      this.lookupCache.set(key, found);
    }
    return found;
  }

  private query(id: SequenceLookup): SequenceRecord[] {
    let rows: SequenceRow[];
    switch (id.kind) {
      case 'md5':
        rows = this.stmt.byMd5!.all(id.md5) as SequenceRow[];
        break;
      case 'ga4gh':
        rows = this.stmt.byGa4gh!.all(id.digest) as SequenceRow[];
        break;
      case 'alias':
        rows = this.stmt.byAlias!.all(id.namingAuthority.toLowerCase(), id.alias) as SequenceRow[];
        break;
    }
    return rows.map((row) => {
      // A damaged index b-tree can lead from a key to another row: the row must carry the key.
      if ((id.kind === 'md5' && row.md5 !== id.md5) || (id.kind === 'ga4gh' && row.ga4gh !== id.digest)) {
        throw this.corrupt(
          `the index entry for ${id.kind === 'md5' ? `md5 ${id.md5}` : `SQ.${id.digest}`} leads to the row of SQ.${row.ga4gh}`,
        );
      }
      const record = this.checkedRecord(row);
      // An alias row names its sequence by id; the sequence's own alias list (another b-tree)
      // must name the alias back.
      if (id.kind === 'alias') {
        const authority = id.namingAuthority.toLowerCase();
        if (!this.aliasesOf(record).some((a) => a.namingAuthority === authority && a.alias === id.alias)) {
          throw this.corrupt(
            `the alias ${authority}:${id.alias.slice(0, 100)} leads to SQ.${record.ga4gh}, which does not list it`,
          );
        }
      }
      return record;
    });
  }

  private checkedRecord(row: SequenceRow): SequenceRecord {
    const record = recordOfRow(row);
    if (typeof record === 'string') throw this.corrupt(`sequence row ${row.id} (SQ.${row.ga4gh}): ${record}`);
    return record;
  }

  /** Records damage found while serving (for /readyz and /metrics) and returns the error to throw. */
  private corrupt(detail: string): AppError {
    this.noteDamage(detail);
    return new AppError('CORRUPT_STORE', `store ${this.dir} is damaged: ${detail} (run 'refget verify')`, { detail });
  }

  /**
   * Records damage found outside the store's own checks (SQLite reporting a corrupt page on a
   * query, or another worker of the cluster: `fromElsewhere`), so /readyz and /metrics see it too.
   */
  noteDamage(detail: string, options: { fromElsewhere?: boolean } = {}): void {
    this.corruption = { count: this.corruption.count + 1, detail };
    if (options.fromElsewhere !== true) this.onDamage?.(detail);
  }

  /** How many reads found damage since the store was opened. */
  get corruptReads(): number {
    return this.corruption.count;
  }

  /** Every alias of a sequence, each with the collections it came from; cached. */
  aliasesOf(record: SequenceRecord): Alias[] {
    this.invalidateIfChanged();
    let aliases = this.aliasCache.get(record.rowId);
    if (aliases === undefined) {
      const rows = this.stmt.aliases!.all(record.rowId) as {
        sequence_id: number;
        naming_authority: string;
        alias: string;
        sources: string;
      }[];
      if (rows.some((r) => r.sequence_id !== record.rowId))
        throw this.corrupt(`the alias index of SQ.${record.ga4gh} leads to another sequence`);
      aliases = rows.map((r) => ({
        namingAuthority: r.naming_authority,
        alias: r.alias,
        sources: (JSON.parse(r.sources) as (number | null)[]).filter((c): c is number => c !== null),
      }));
      this.aliasCache.set(record.rowId, aliases);
    }
    return aliases;
  }

  /**
   * The collections holding a sequence (at most `limit`, in ingest order), with the names its
   * records have in each; `hidden` (JSON array of collection ids) leaves private ones out.
   */
  collectionsHolding(
    record: SequenceRecord,
    limit: number,
    hidden = '[]',
  ): { id: number; digest: string; recordNames: string[] }[] {
    const rows = this.stmt.holding!.all({ sequence: record.rowId, hidden, limit }) as {
      id: number;
      digest: string;
      recordNames: string;
    }[];
    return rows.map((r) => ({ id: r.id, digest: r.digest, recordNames: (JSON.parse(r.recordNames) as string[]).sort() }));
  }

  /**
   * How many sequences and bases, and how many collections, the store holds (those a caller
   * without the collections in `hidden` may see). A scan of every row: cached until another
   * connection commits.
   */
  holdings(hidden?: string): { sequences: number; bases: number; collections: number } {
    this.invalidateIfChanged();
    const key = hidden ?? '';
    let found = this.holdingsCache.get(key);
    if (found === undefined) {
      const rows = (hidden === undefined ? this.stmt.holdings!.get() : this.stmt.visibleHoldings!.get(hidden)) as {
        sequences: number;
        bases: number;
      };
      const collections = (
        hidden === undefined ? this.stmt.countCollections!.get() : this.stmt.countVisibleCollections!.get(hidden)
      ) as number;
      found = { sequences: rows.sequences, bases: rows.bases, collections };
      this.holdingsCache.set(key, found);
    }
    return found;
  }

  /** When the sequence was first ingested (ISO 8601, UTC). */
  addedAt(record: SequenceRecord): string {
    return this.stmt.addedAt!.get(record.rowId) as string;
  }

  /**
   * The distinct letters of a sequence, sorted ("ACGNT"): seqrepo's `alphabet`. The index does not
   * keep it, so the first call reads the whole sequence in 1 MiB blocks (yielding between them);
   * the answer is cached. One read per sequence at a time, and at most ALPHABET_READS at once, so
   * asking for many long sequences at once queues instead of holding a block each.
   */
  async alphabet(record: SequenceRecord): Promise<string> {
    const cached = this.alphabetCache.get(record.rowId);
    if (cached !== undefined) return cached;
    let pending = this.alphabetReads.get(record.rowId);
    if (pending === undefined) {
      pending = this.alphabetSlots.run(() => this.readAlphabet(record));
      this.alphabetReads.set(record.rowId, pending);
      const done = (): void => {
        this.alphabetReads.delete(record.rowId);
      };
      pending.then(done, done);
    }
    return pending;
  }

  private async readAlphabet(record: SequenceRecord): Promise<string> {
    const seen = new Uint8Array(256);
    const reader = this.blockReader(record, 0, record.length);
    const block = Buffer.allocUnsafe(Math.max(1, Math.min(record.length, STREAM_BLOCK_BASES)));
    for (let n = await reader.read(block); n > 0; n = await reader.read(block)) {
      for (let i = 0; i < n; i++) seen[block[i]!] = 1;
    }
    let letters = '';
    for (let c = 0; c < 256; c++) if (seen[c] === 1) letters += String.fromCharCode(c);
    this.alphabetCache.set(record.rowId, letters);
    return letters;
  }

  /** Ids of the collections this sequence belongs to (for private collections); cached. */
  collectionIdsOf(record: SequenceRecord): readonly number[] {
    this.invalidateIfChanged();
    let ids = this.membershipCache.get(record.rowId);
    if (ids === undefined) {
      const rows = this.stmt.memberOf!.all(record.rowId) as { sequence_id: number; collection_id: number }[];
      if (rows.some((r) => r.sequence_id !== record.rowId))
        throw this.corrupt(`the member index of SQ.${record.ga4gh} leads to another sequence`);
      ids = rows.map((r) => r.collection_id);
      this.membershipCache.set(record.rowId, ids);
    }
    return ids;
  }

  /** The collection with this seqcol digest, or every collection this human name has been given to. */
  collectionIdsByRef(ref: string): number[] {
    const byDigest = this.stmt.collectionIdByDigest!.get(ref) as number | undefined;
    return byDigest !== undefined ? [byDigest] : (this.stmt.collectionIdsByName!.all({ name: ref }) as number[]);
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
      this.holdingsCache.clear();
      this.cacheVersion = version;
    }
  }

  /** Naming authorities, or with `hidden` (JSON array of collection ids) those with an alias the caller may see. */
  namingAuthorities(hidden?: string): string[] {
    return (hidden === undefined ? this.stmt.authorities!.all() : this.stmt.visibleAuthorities!.all({ hidden })) as string[];
  }

  /** The record names a sequence (by row id) had in the FASTA files it was ingested from. */
  recordNames(rowId: number): string[] {
    return this.stmt.recordNames!.all(rowId) as string[];
  }

  /** Reads every stored byte of a sequence and checks its block checksums (verify --quick). */
  async checkStoredBytes(record: SequenceRecord): Promise<void> {
    // Small sequences in one synchronous read: a million short records spent most of their time
    // in promise hops otherwise.
    if (record.byteLength <= SCRATCH_BYTES) {
      this.storedSync(record, 0, record.byteLength);
      return;
    }
    // One buffer for every call: a fresh 1 MiB per sequence made a million short records crawl.
    this.checkScratch ??= Buffer.allocUnsafeSlow(STREAM_BLOCK_BASES + 2 * BLOCK_BYTES);
    for (let at = 0; at < record.byteLength; at += STREAM_BLOCK_BASES) {
      await this.stored(record, at, Math.min(record.byteLength, at + STREAM_BLOCK_BASES), this.checkScratch);
    }
  }

  packFiles(): { id: number; path: string; committedSize: number }[] {
    return (this.stmt.packs!.all() as { id: number; file: string; committedSize: number }[]).map((p) => ({
      id: p.id,
      path: packPath(this.dir, p.file),
      committedSize: p.committedSize,
    }));
  }

  /** Every sequence in id order; a damaged row is an error (CORRUPT_STORE). */
  *allSequences(): Generator<SequenceRecord> {
    for (const row of this.stmt.all!.iterate() as IterableIterator<SequenceRow>) yield this.checkedRecord(row);
  }

  /**
   * Every row in id order, as a record or (damaged) the reason it cannot be trusted, with its block
   * checksums: a scan reads them in the same pass (see adoptBlockSums) instead of one query each.
   */
  *allRows(): Generator<{
    rowId: number;
    ga4gh: string;
    md5: string;
    record: SequenceRecord | string;
    blockSums: Buffer | null;
  }> {
    for (const row of this.stmt.allWithSums!.iterate() as IterableIterator<SequenceRow & { block_sums: Buffer | null }>) {
      yield { rowId: row.id, ga4gh: row.ga4gh, md5: row.md5, record: recordOfRow(row), blockSums: row.block_sums };
    }
  }

  /** Row ids the md5 and ga4gh indexes lead to (`refget verify` checks they lead back to the row). */
  rowIdsByKey(md5: string, ga4gh: string): { byMd5: number[]; byGa4gh: number[] } {
    return {
      byMd5: (this.stmt.byMd5!.all(md5) as SequenceRow[]).map((r) => r.id),
      byGa4gh: (this.stmt.byGa4gh!.all(ga4gh) as SequenceRow[]).map((r) => r.id),
    };
  }

  /**
   * Takes a record's block checksums read elsewhere (allRows), after checking them against the row
   * as a lookup would; false if they do not match. Reads of the record then use them.
   */
  adoptBlockSums(record: SequenceRecord, sums: Buffer | null): boolean {
    if (sums === null || sums.length !== blockCount(record.byteLength) * 4 || blockSum(sums) !== record.blockSumsSum)
      return false;
    this.blockSumsCache.set(record.rowId, sums);
    return true;
  }

  /** PRAGMA integrity_check: 'ok', or SQLite's list of what is wrong in the index file. */
  indexIntegrity(): string[] {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
  }

  // ---- reading stored bytes: every read below goes through storedSync/stored, which read whole
  // blocks and check their checksums first. Nothing unchecked reaches a decoder or a client.

  /**
   * Stored bytes [from, to) of a record's span, read synchronously, every block they touch checked.
   * Small reads go through one reused buffer (a fresh 4 KiB Buffer per slice was most of a slice's
   * read cost): the result is only valid until the next read, so callers decode or copy it at once.
   */
  private storedSync(record: SequenceRecord, from: number, to: number): Buffer {
    if (from === to) return Buffer.alloc(0);
    const [first, start, end] = blockSpan(record, from, to);
    const length = end - start;
    let bytes: Buffer;
    if (length <= SCRATCH_BYTES) {
      this.scratch ??= Buffer.allocUnsafeSlow(SCRATCH_BYTES);
      bytes = this.scratch.subarray(0, length);
      this.guard(record, () => this.packs.readIntoSync(record.packId, record.offset + start, bytes));
    } else {
      bytes = this.guard(record, () => this.packs.readSync(record.packId, record.offset + start, length));
    }
    this.checkBlocks(record, bytes, first);
    return bytes.subarray(from - start, to - start);
  }

  /** As storedSync, through the thread pool when large, into `scratch` when it is big enough. */
  private async stored(record: SequenceRecord, from: number, to: number, scratch?: Buffer): Promise<Buffer> {
    if (from === to) return Buffer.alloc(0);
    const [first, start, end] = blockSpan(record, from, to);
    const bytes =
      scratch !== undefined && scratch.length >= end - start ? scratch.subarray(0, end - start) : Buffer.allocUnsafe(end - start);
    await this.guardAsync(record, () => this.packs.readInto(record.packId, record.offset + start, bytes));
    this.checkBlocks(record, bytes, first);
    return bytes.subarray(from - start, to - start);
  }

  /** A sequence's block checksums, read once and checked against the row (cached, bounded in bytes). */
  private blockSums(record: SequenceRecord): Uint8Array {
    const sums = this.blockSumsCache.get(record.rowId);
    if (sums !== undefined) return sums;
    const blob = this.stmt.blockSums!.get(record.rowId) as Buffer | null | undefined;
    if (
      blob === undefined ||
      blob === null ||
      blob.length !== blockCount(record.byteLength) * 4 ||
      blockSum(blob) !== record.blockSumsSum
    ) {
      throw this.corrupt(`the block checksums of SQ.${record.ga4gh} do not match its row`);
    }
    this.blockSumsCache.set(record.rowId, blob);
    return blob;
  }

  private checkBlocks(record: SequenceRecord, bytes: Buffer, firstBlock: number): void {
    const bad = firstBadBlock(bytes, firstBlock, this.blockSums(record));
    if (bad >= 0) {
      throw this.corrupt(
        `block ${bad} of SQ.${record.ga4gh} (pack ${record.packId}, bytes ${record.offset + bad * BLOCK_BYTES}+) does not match its checksum`,
      );
    }
  }

  /** A pack that is missing or shorter than the index says is damage too. */
  private guard<T>(record: SequenceRecord, read: () => T): T {
    try {
      return read();
    } catch (err) {
      throw err instanceof AppError && err.code === 'CORRUPT_STORE' ? this.corrupt(`SQ.${record.ga4gh}: ${err.message}`) : err;
    }
  }

  private async guardAsync(record: SequenceRecord, read: () => Promise<void>): Promise<void> {
    try {
      await read();
    } catch (err) {
      throw err instanceof AppError && err.code === 'CORRUPT_STORE' ? this.corrupt(`SQ.${record.ga4gh}: ${err.message}`) : err;
    }
  }

  /** Bases [start, end) of a sequence, 0-based half-open, read and decoded in one go. */
  async readRange(record: SequenceRecord, start: number, end: number): Promise<Buffer> {
    checkRange(record, start, end);
    if (start === end) return Buffer.alloc(0);
    if (end - start <= SYNC_READ_LIMIT) return this.readRangeSync(record, start, end);
    const decoder = this.decoderOf(record);
    const [from, to] = decoder.span(start, end);
    const out = Buffer.allocUnsafe(end - start);
    decoder.decodeInto(await this.stored(record, from, to), start, end, out);
    return out;
  }

  /** Synchronous variant for small ranges (a 100-base slice costs one pread of a block or two). */
  readRangeSync(record: SequenceRecord, start: number, end: number): Buffer {
    checkRange(record, start, end);
    if (start === end) return Buffer.alloc(0);
    const decoder = this.decoderOf(record); // first: its tables are read through the buffer `stored` will view
    const [from, to] = decoder.span(start, end);
    const out = Buffer.allocUnsafe(end - start);
    decoder.decodeInto(this.storedSync(record, from, to), start, end, out);
    return out;
  }

  /**
   * Bases [start, end) in blocks written into the caller's buffers: nothing is allocated per
   * block, so streaming a chromosome leaves no garbage (a fresh 1 MiB Buffer per block made V8
   * run a full mark-compact every 30-40 ms while serving two downloads).
   */
  blockReader(record: SequenceRecord, start: number, end: number): BlockReader {
    checkRange(record, start, end);
    let pos = start;
    let scratch: Buffer | undefined; // the stored bytes of one block (whole checksum blocks), reused
    const decoder = this.decoderOf(record);
    return {
      read: async (target: Buffer): Promise<number> => {
        const from = pos;
        const n = Math.min(target.length, end - from);
        if (n === 0) return 0;
        const [byteFrom, byteTo] = decoder.span(from, from + n);
        // Whole checksum blocks are read and checked, so the span can grow by up to a block each side.
        const need = byteTo - byteFrom + 2 * BLOCK_BYTES;
        if (scratch === undefined || scratch.length < need) scratch = Buffer.allocUnsafe(need);
        decoder.decodeInto(await this.stored(record, byteFrom, byteTo, scratch), from, from + n, target);
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
        this.readRange(record, from, pos).then(
          (buf) => stream.push(buf),
          (err: Error) => stream.destroy(err),
        );
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
    if (this.corruption.count > 0) return { ok: false, problem: 'CORRUPT', message: this.corruption.detail };
    try {
      const row = this.stmt.first!.get() as SequenceRow | undefined;
      if (row === undefined) return { ok: false, problem: 'EMPTY', message: 'the store holds no sequence' };
      const record = this.checkedRecord(row);
      if (record.length > 0) {
        this.readRangeSync(record, 0, 1);
        this.readRangeSync(record, record.length - 1, record.length);
      }
      for (const pack of this.packFiles()) {
        const size = statSync(pack.path).size;
        if (size < pack.committedSize) {
          return {
            ok: false,
            problem: 'UNREADABLE',
            message: `pack ${pack.path} has ${size} bytes, the index expects ${pack.committedSize}`,
          };
        }
      }
      return { ok: true, sequence: record.ga4gh };
    } catch (err) {
      return { ok: false, problem: 'UNREADABLE', message: (err as Error).message };
    }
  }

  /**
   * Counts and on-disk size (packs + index), for metrics; two count(*) queries and a stat per
   * file. With `hidden` (JSON array of private collection ids) the counts are of what a caller
   * without a token may see, and the size is left out (0): it would tell how much is private.
   */
  stats(hidden?: string): StoreStats {
    if (hidden !== undefined) {
      return {
        sequences: (this.stmt.visibleHoldings!.get(hidden) as { sequences: number }).sequences,
        collections: this.stmt.countVisibleCollections!.get(hidden) as number,
        bytes: 0,
      };
    }
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
    this.collectionWork.close();
    this.packs.close();
    this.db.close();
  }

  /** The record's decoder (the one way every read decodes), its tables read once and cached. */
  private decoderOf(record: SequenceRecord): RecordDecoder {
    let decoder = this.decoderCache.get(record.rowId);
    if (decoder === undefined) {
      // recordOfRow made every record, and it refuses encodings without a codec.
      decoder = codecOf(record.encoding)!.decoder(record, (from, to) => this.storedSync(record, from, to));
      this.decoderCache.set(record.rowId, decoder);
    }
    return decoder;
  }
}

/** The checksum blocks covering stored bytes [from, to): [first block, byte start, byte end). */
function blockSpan(record: SequenceRecord, from: number, to: number): [number, number, number] {
  const first = Math.floor(from / BLOCK_BYTES);
  return [first, first * BLOCK_BYTES, Math.min(record.byteLength, Math.ceil(to / BLOCK_BYTES) * BLOCK_BYTES)];
}

function checkRange(record: SequenceRecord, start: number, end: number): void {
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= record.length)) {
    throw new RangeError(`invalid range [${start}, ${end}) for a sequence of length ${record.length}`);
  }
}
