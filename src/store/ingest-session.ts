// The write side of the store: one ingest run = one SQLite write transaction held from start to
// finish (BEGIN IMMEDIATE). That single lock makes a second writer wait or fail, makes the run
// atomic (a killed run leaves nothing visible) and lets rows be inserted as they come, so memory
// stays bounded. Pack bytes are fsynced before COMMIT, so no committed row points at lost bytes.
import { closeSync, mkdirSync, openSync } from 'node:fs';
import type { Statement } from 'better-sqlite3';
import { AppError } from '../errors.js';
import { openIndexDb, type Db } from './index/database.js';
import { indexPath, packFileName, packPath, packsDir, PACK_ROLLOVER_BYTES } from './layout.js';
import { PackWriter } from './pack/pack-writer.js';
import { StreamingSequenceWriter, writeWholeSequence, type WrittenSequence } from './sequence-writer.js';
import { sequenceRowSum, type SequenceRowFields } from './row-sum.js';
import { blockSum } from '../checksum/block-sums.js';

export interface SequenceDigests {
  readonly md5: string;
  /** sha512t24u without 'SQ.' */
  readonly ga4gh: string;
}

export interface CollectionInput {
  readonly digest: string;
  readonly level1: {
    readonly names: string;
    readonly lengths: string;
    readonly sequences: string;
    readonly name_length_pairs: string;
    readonly sorted_name_length_pairs: string;
    readonly sorted_sequences: string;
  };
  /** the file whose staged members (stageMember) make up the collection */
  readonly file: number;
  readonly sequenceCount: number;
  readonly totalLength: number;
  readonly source: string;
  readonly name: string | undefined;
  /** give `name` to this collection even if another collection has it */
  readonly reassignName?: boolean;
}

/** Aliases from an aliases file rather than a record name: they come from every file of the run. */
export const RUN_WIDE = -1;

export class IngestSession {
  private readonly db: Db;
  private readonly pack: PackWriter;
  private readonly stmt: Record<string, Statement>;
  private open = true;
  private stagedByNameStmt: Statement | undefined;
  private stagedFiles = 0;
  /** One timestamp for the whole run: everything it adds appears at the same instant. */
  private readonly now = new Date().toISOString();

  /** Opens (creating) the store and takes the writer lock, waiting up to `waitMs` for another writer. */
  static open(dir: string, options: { waitMs?: number } = {}): IngestSession {
    mkdirSync(packsDir(dir), { recursive: true });
    const db = openIndexDb(indexPath(dir), { readonly: false });
    db.pragma(`busy_timeout = ${options.waitMs ?? 10_000}`);
    // The whole run is one transaction. A 16 MiB page cache: 32 MiB made a 1M-record ingest
    // peak at 212 MB RSS instead of 175 MB, for ~5 % less time (random index inserts miss either way).
    db.pragma('cache_size = -16384');
    try {
      db.exec('BEGIN IMMEDIATE');
    } catch (err) {
      db.close();
      if ((err as { code?: string }).code === 'SQLITE_BUSY') {
        throw new AppError('STORE_LOCKED', `another ingest is writing to ${dir}; try again when it has finished`);
      }
      throw err;
    }
    try {
      return new IngestSession(dir, db);
    } catch (err) {
      db.exec('ROLLBACK');
      db.close();
      throw err;
    }
  }

  private constructor(dir: string, db: Db) {
    this.db = db;
    let pack = db.prepare('SELECT id, file, committed_size AS size FROM packs ORDER BY id DESC LIMIT 1').get() as
      { id: number; file: string; size: number } | undefined;
    if (pack === undefined || pack.size >= PACK_ROLLOVER_BYTES) {
      const id = (pack?.id ?? 0) + 1;
      db.prepare('INSERT INTO packs (id, file, committed_size) VALUES (?, ?, 0)').run(id, packFileName(id));
      pack = { id, file: packFileName(id), size: 0 };
    }
    this.pack = new PackWriter(pack.id, packPath(dir, pack.file), pack.size);
    // Each file's members wait here until its collection digest is known. A temporary table on
    // disk (not a JS array) keeps ingest memory flat however many records a file has (200,000
    // proteins held ~290 bytes each in JS), and SQLite sorts the two sorted attributes on disk.
    // It vanishes with the connection, so a failed run leaves nothing of it.
    db.exec(`CREATE TEMP TABLE staged_members (
      file INTEGER NOT NULL, position INTEGER NOT NULL, name TEXT NOT NULL, sequence_id INTEGER NOT NULL,
      ga4gh TEXT NOT NULL, pair_digest TEXT NOT NULL, line INTEGER NOT NULL, PRIMARY KEY (file, position)) WITHOUT ROWID`);
    // Where this run's aliases come from (a file's collection, or RUN_WIDE), turned into
    // alias_sources once the collections exist.
    db.exec(`CREATE TEMP TABLE run_aliases (naming_authority TEXT NOT NULL, alias TEXT NOT NULL, sequence_id INTEGER NOT NULL,
      file INTEGER NOT NULL, PRIMARY KEY (naming_authority, alias, sequence_id, file)) WITHOUT ROWID`);
    db.exec('CREATE TEMP TABLE run_collections (file INTEGER PRIMARY KEY, collection_id INTEGER NOT NULL)');
    this.stmt = {
      byGa4gh: db.prepare('SELECT id FROM sequences WHERE ga4gh = ?').pluck(),
      byMd5: db.prepare('SELECT id FROM sequences WHERE md5 = ?').pluck(),
      insertSeq: db.prepare(`INSERT INTO sequences
        (ga4gh, md5, length, encoding, pack_id, offset, byte_length, exception_count, circular, added_at, block_sums_sum, row_sum, block_sums)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)`),
      row: db.prepare(`SELECT ga4gh, md5, length, encoding, pack_id AS packId, offset, byte_length AS byteLength,
        exception_count AS exceptionCount, circular, block_sums_sum AS blockSumsSum FROM sequences WHERE id = ?`),
      circular: db.prepare('UPDATE sequences SET circular = 1, row_sum = ? WHERE id = ?'),
      authority: db.prepare(`INSERT INTO naming_authorities (name, loaded_at) VALUES (?, ?)
        ON CONFLICT(name) DO UPDATE SET loaded_at = excluded.loaded_at`),
      alias: db.prepare('INSERT OR IGNORE INTO aliases (naming_authority, alias, sequence_id) VALUES (?, ?, ?)'),
      runAlias: db.prepare('INSERT OR IGNORE INTO run_aliases (naming_authority, alias, sequence_id, file) VALUES (?, ?, ?, ?)'),
      runCollection: db.prepare('INSERT OR REPLACE INTO run_collections (file, collection_id) VALUES (?, ?)'),
      aliasSources: db.prepare(`INSERT OR IGNORE INTO alias_sources (naming_authority, alias, sequence_id, collection_id)
        SELECT r.naming_authority, r.alias, r.sequence_id, c.collection_id
        FROM run_aliases r JOIN run_collections c ON r.file = c.file OR r.file = ${RUN_WIDE}`),
      nameOwner: db
        .prepare(
          'SELECT c.digest FROM collection_names n JOIN collections c ON c.id = n.collection_id WHERE n.name = ? AND n.collection_id != ?',
        )
        .pluck(),
      nameHistory: db.prepare('INSERT OR IGNORE INTO collection_name_history (name, collection_id) VALUES (?, ?)'),
      collectionByDigest: db.prepare('SELECT id FROM collections WHERE digest = ?').pluck(),
      insertCollection: db.prepare(`INSERT INTO collections (digest, names_digest, lengths_digest, sequences_digest,
        name_length_pairs_digest, sorted_name_length_pairs_digest, sorted_sequences_digest, sequence_count, total_length, added_at)
        VALUES (@digest, @names, @lengths, @sequences, @name_length_pairs, @sorted_name_length_pairs, @sorted_sequences,
        @count, @total, @addedAt)`),
      stage: db.prepare(
        'INSERT INTO staged_members (file, position, name, sequence_id, ga4gh, pair_digest, line) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      // The earliest record whose name an earlier record of the file has, and that record's line.
      // One sort of the file's names on disk (SQLite's sorter), instead of every name in memory.
      firstDuplicate: db.prepare(`SELECT name, line, first FROM (
          SELECT name, line, row_number() OVER w AS nth, first_value(line) OVER w AS first
          FROM staged_members WHERE file = ? WINDOW w AS (PARTITION BY name ORDER BY position))
        WHERE nth = 2 ORDER BY line LIMIT 1`),
      stagedGa4ghSorted: db.prepare('SELECT ga4gh FROM staged_members WHERE file = ? ORDER BY ga4gh').pluck(),
      stagedPairsSorted: db.prepare('SELECT pair_digest FROM staged_members WHERE file = ? ORDER BY pair_digest').pluck(),
      members: db.prepare(`INSERT INTO collection_members (collection_id, position, name, sequence_id)
        SELECT ?, position, name, sequence_id FROM staged_members WHERE file = ? ORDER BY position`),
      source: db.prepare('INSERT INTO collection_sources (collection_id, source, loaded_at) VALUES (?, ?, ?)'),
      collectionName: db.prepare(`INSERT INTO collection_names (name, collection_id) VALUES (?, ?)
        ON CONFLICT(name) DO UPDATE SET collection_id = excluded.collection_id`),
      packSize: db.prepare('UPDATE packs SET committed_size = ? WHERE id = ?'),
    };
  }

  /** Row id of a stored (or stored-in-this-run) sequence. */
  findByGa4gh(ga4gh: string): number | undefined {
    return this.stmt.byGa4gh!.get(ga4gh) as number | undefined;
  }

  findByMd5(md5: string): number | undefined {
    return this.stmt.byMd5!.get(md5) as number | undefined;
  }

  /** Stores a sequence held in memory unless an identical one exists. */
  addWholeSequence(bases: Uint8Array, digests: SequenceDigests): { rowId: number; added: boolean } {
    // Looked up first. (Writing first and inserting with ON CONFLICT DO NOTHING RETURNING id was
    // tried: a million short records took 50.6-56.3 s against 45.6-48.9 s, 2026-11-22.)
    const existing = this.findByGa4gh(digests.ga4gh);
    if (existing !== undefined) return { rowId: existing, added: false };
    return { rowId: this.insert(writeWholeSequence(this.pack, bases), digests), added: true };
  }

  beginStreamingSequence(probe: Uint8Array): StreamingSequenceWriter {
    return new StreamingSequenceWriter(this.pack, probe);
  }

  /** Records a streamed sequence, or gives its bytes back if an identical one exists. */
  finishStreamingSequence(writer: StreamingSequenceWriter, digests: SequenceDigests): { rowId: number; added: boolean } {
    const existing = this.findByGa4gh(digests.ga4gh);
    if (existing !== undefined) {
      writer.discard();
      return { rowId: existing, added: false };
    }
    return { rowId: this.insert(writer.finish(), digests), added: true };
  }

  markCircular(rowId: number): void {
    const row = this.stmt.row!.get(rowId) as Omit<SequenceRowFields, 'circular'>;
    this.stmt.circular!.run(sequenceRowSum({ ...row, circular: true }), rowId);
  }

  /**
   * Adds (authority, alias) → sequence; returns false if it was there already. `file` is the
   * input file (beginStagedFile) whose record name it is, or RUN_WIDE: callers who may see that
   * file's collection (or any collection of this run) see the alias.
   */
  addAlias(rowId: number, namingAuthority: string, alias: string, file: number): boolean {
    const authority = namingAuthority.toLowerCase();
    this.stmt.authority!.run(authority, this.now);
    this.stmt.runAlias!.run(authority, alias, rowId, file);
    return this.stmt.alias!.run(authority, alias, rowId).changes > 0;
  }

  /** A new number for an input file's staged members (unique for this session). */
  beginStagedFile(): number {
    return this.stagedFiles++;
  }

  /**
   * Holds one record of an input file (numbered by beginStagedFile) until its collection is
   * stored: its name and sequence, and the two values the sorted seqcol attributes are made of.
   */
  stageMember(
    file: number,
    position: number,
    member: { name: string; rowId: number; ga4gh: string; pairDigest: string; line: number },
  ): void {
    this.stmt.stage!.run(file, position, member.name, member.rowId, member.ga4gh, member.pairDigest, member.line);
  }

  /** The first record of a file whose name an earlier record had: its name, line, and the earlier line. */
  firstDuplicateName(file: number): { name: string; line: number; first: number } | undefined {
    return this.stmt.firstDuplicate!.get(file) as { name: string; line: number; first: number } | undefined;
  }

  /** The staged ga4gh ids (without 'SQ.') of one file, in byte order. */
  stagedGa4ghSorted(file: number): IterableIterator<string> {
    return this.stmt.stagedGa4ghSorted!.iterate(file) as IterableIterator<string>;
  }

  /** The staged name/length pair digests of one file, in byte order. */
  stagedPairDigestsSorted(file: number): IterableIterator<string> {
    return this.stmt.stagedPairsSorted!.iterate(file) as IterableIterator<string>;
  }

  /** Row ids of the sequences staged under a record name, in any file of this run. */
  stagedByName(name: string): number[] {
    // Indexed only when first asked (--circular, --aliases): most runs never look a name up.
    if (this.stagedByNameStmt === undefined) {
      this.db.exec('CREATE INDEX temp.staged_members_name ON staged_members (name)');
      this.stagedByNameStmt = this.db.prepare('SELECT DISTINCT sequence_id FROM staged_members WHERE name = ?').pluck();
    }
    return this.stagedByNameStmt.all(name) as number[];
  }

  /**
   * Stores a collection of one file's staged members once per digest; always records the source
   * (and the name, if given).
   */
  addCollection(input: CollectionInput): { digest: string; added: boolean } {
    let id = this.stmt.collectionByDigest!.get(input.digest) as number | undefined;
    const added = id === undefined;
    if (id === undefined) {
      id = Number(
        this.stmt.insertCollection!.run({
          digest: input.digest,
          ...input.level1,
          count: input.sequenceCount,
          total: input.totalLength,
          addedAt: this.now,
        }).lastInsertRowid,
      );
      this.stmt.members!.run(id, input.file);
    }
    this.stmt.source!.run(id, input.source, this.now);
    this.stmt.runCollection!.run(input.file, id);
    if (input.name !== undefined) {
      // A name is how a tokens file makes a collection private: moving it silently would make the
      // collection it was written for public. The history keeps every collection it has named.
      const owner = this.stmt.nameOwner!.get(input.name, id) as string | undefined;
      if (owner !== undefined && input.reassignName !== true) {
        throw new AppError(
          'INPUT_ERROR',
          `the collection name '${input.name}' already names collection ${owner}; ` +
            'choose another name, or pass --reassign-name to move it (a tokens file entry for the name then covers both collections)',
        );
      }
      this.stmt.collectionName!.run(input.name, id);
      this.stmt.nameHistory!.run(input.name, id);
    }
    return { digest: input.digest, added };
  }

  /**
   * Starts flushing the pack to disk while the caller waits (for the hash workers' backlog at the
   * end of a file); commit() then only has the last few bytes to sync. Await it before anything
   * else touches the store.
   */
  startPackSync(): Promise<void> {
    this.assertOpen();
    return this.pack.syncInBackground();
  }

  /** Durable: pack bytes first (fsync), then the index rows in one COMMIT. */
  commit(): void {
    this.assertOpen();
    this.stmt.aliasSources!.run();
    this.pack.sync();
    this.stmt.packSize!.run(this.pack.position, this.pack.packId);
    this.db.exec('COMMIT');
    // The run's pages now sit in the WAL. SQLite folds them into the index when the last
    // connection closes, but a running server keeps its connection open, and the WAL stayed
    // (409 MB after a million records). Fold them in and cut the WAL now; the commit is already
    // durable, so a checkpoint that cannot finish (a reader holding an old snapshot past the
    // busy timeout) only leaves the WAL for the next one.
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      /* see above */
    }
    this.close();
  }

  /** Leaves the store exactly as it was: no rows, and the pack cut back to its committed size. */
  rollback(): void {
    if (!this.open) return;
    // SQLite may have rolled the transaction back itself (SQLITE_FULL, SQLITE_IOERR): then there
    // is nothing to roll back, but the pack must still be cut and the files closed.
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    const committed = this.db.prepare('SELECT committed_size FROM packs WHERE id = ?').pluck().get(this.pack.packId) as
      number | undefined;
    // A pack created by this run has no committed row; an empty file is harmless and reused.
    this.pack.truncate(committed ?? 0);
    this.close();
  }

  private insert(written: WrittenSequence, digests: SequenceDigests): number {
    // Positional, not named, parameters: half the cost per row (5.6-7 µs against 11-16 µs for a
    // lookup plus insert, 100,000 rows, measured 2026-11-22).
    const blockSumsSum = blockSum(written.blockSums);
    const rowSum = sequenceRowSum({ ...written, ga4gh: digests.ga4gh, md5: digests.md5, circular: false, blockSumsSum });
    return Number(
      this.stmt.insertSeq!.run(
        digests.ga4gh,
        digests.md5,
        written.length,
        written.encoding,
        written.packId,
        written.offset,
        written.byteLength,
        written.exceptionCount,
        this.now,
        blockSumsSum,
        rowSum,
        written.blockSums,
      ).lastInsertRowid,
    );
  }

  private assertOpen(): void {
    if (!this.open) throw new Error('ingest session is closed');
  }

  private close(): void {
    this.open = false;
    this.pack.close();
    const path = this.db.name;
    this.db.close();
    keepWalFiles(path);
  }
}

/**
 * SQLite deletes the -wal and -shm files when the last connection closes, and a reader of a WAL
 * database must then create them again, which it cannot on a read-only mount (a container serving
 * `-v data:/data:ro`). Since SQLite 3.22 a reader there works if both files exist, so leave them
 * (empty: no frames, and a -shm that the next connection initialises). Never truncates.
 */
export function keepWalFiles(dbPath: string): void {
  for (const suffix of ['-wal', '-shm']) {
    try {
      closeSync(openSync(dbPath + suffix, 'a'));
    } catch {
      // read-only or full file system: nothing can be kept, and nothing was changed
    }
  }
}
