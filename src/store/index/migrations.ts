// Ordered schema migrations. PRAGMA user_version is the schema version: a store written by a
// newer release is refused rather than misread (seqrepo's "upgrade required" check).
import type { Db } from './database.js';
import { backfillIntegrity } from './backfill-integrity.js';

export interface Migration {
  readonly sql: string;
  /** Work SQL cannot do (reading packs), run after `sql` in the same transaction. */
  readonly backfill?: (db: Db, storeDir: string) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  // 1: sequences in pack files, aliases, per-file collections with their seqcol digests.
  {
    sql: `
  CREATE TABLE packs (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL UNIQUE,
    -- bytes of the pack that committed rows may point into; anything past it is garbage from a
    -- failed run and is truncated by the next writer.
    committed_size INTEGER NOT NULL
  );
  CREATE TABLE sequences (
    id INTEGER PRIMARY KEY,
    ga4gh TEXT NOT NULL UNIQUE,          -- sha512t24u, without 'SQ.'
    md5 TEXT NOT NULL,
    length INTEGER NOT NULL,
    encoding TEXT NOT NULL CHECK (encoding IN ('twobit', 'raw')),
    pack_id INTEGER NOT NULL REFERENCES packs(id),
    offset INTEGER NOT NULL,
    byte_length INTEGER NOT NULL,        -- packed bases + exception table
    exception_count INTEGER NOT NULL,    -- twobit only; 0 for raw
    circular INTEGER NOT NULL DEFAULT 0,
    added_at TEXT NOT NULL
  );
  CREATE INDEX sequences_md5 ON sequences(md5);
  CREATE TABLE naming_authorities (
    name TEXT PRIMARY KEY,               -- lower-case (refget v2 style)
    loaded_at TEXT NOT NULL
  );
  CREATE TABLE aliases (
    naming_authority TEXT NOT NULL REFERENCES naming_authorities(name),
    alias TEXT NOT NULL,
    sequence_id INTEGER NOT NULL REFERENCES sequences(id),
    PRIMARY KEY (naming_authority, alias, sequence_id)
  ) WITHOUT ROWID;
  CREATE INDEX aliases_sequence ON aliases(sequence_id);
  CREATE TABLE collections (
    id INTEGER PRIMARY KEY,
    digest TEXT NOT NULL UNIQUE,         -- seqcol level-0 digest
    names_digest TEXT NOT NULL,
    lengths_digest TEXT NOT NULL,
    sequences_digest TEXT NOT NULL,
    name_length_pairs_digest TEXT NOT NULL,
    sorted_name_length_pairs_digest TEXT NOT NULL,
    sorted_sequences_digest TEXT NOT NULL,
    sequence_count INTEGER NOT NULL,
    total_length INTEGER NOT NULL,
    added_at TEXT NOT NULL
  );
  CREATE INDEX collections_names ON collections(names_digest);
  CREATE INDEX collections_lengths ON collections(lengths_digest);
  CREATE INDEX collections_sequences ON collections(sequences_digest);
  CREATE INDEX collections_nlp ON collections(name_length_pairs_digest);
  CREATE INDEX collections_snlp ON collections(sorted_name_length_pairs_digest);
  CREATE INDEX collections_ss ON collections(sorted_sequences_digest);
  CREATE TABLE collection_members (
    collection_id INTEGER NOT NULL REFERENCES collections(id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    sequence_id INTEGER NOT NULL REFERENCES sequences(id),
    PRIMARY KEY (collection_id, position)
  ) WITHOUT ROWID;
  CREATE INDEX collection_members_sequence ON collection_members(sequence_id);
  CREATE TABLE collection_names (
    name TEXT PRIMARY KEY,               -- human name, e.g. GRCh38
    collection_id INTEGER NOT NULL REFERENCES collections(id)
  );
  CREATE TABLE collection_sources (
    collection_id INTEGER NOT NULL REFERENCES collections(id),
    source TEXT NOT NULL,                -- file name as given to ingest
    loaded_at TEXT NOT NULL
  );
  CREATE INDEX collection_sources_collection ON collection_sources(collection_id);
  `,
  },
  // 2: integrity and provenance. Block checksums of each sequence's stored bytes and a checksum
  // of its row (checked on every read); which collections each alias came from (an alias is shown
  // only to callers who may see one of them); every collection a human name has been given to
  // (a tokens file entry by name covers all of them).
  {
    sql: `
  -- In this order: lookups read the two small columns, and the blob, last, is read (from its
  -- overflow pages) only when bytes are.
  ALTER TABLE sequences ADD COLUMN block_sums_sum INTEGER;  -- checksum of block_sums
  ALTER TABLE sequences ADD COLUMN row_sum INTEGER;         -- checksum of the row (row-sum.ts)
  ALTER TABLE sequences ADD COLUMN block_sums BLOB;         -- a u32 checksum per 4 KiB stored block
  CREATE TABLE alias_sources (
    naming_authority TEXT NOT NULL,
    alias TEXT NOT NULL,
    sequence_id INTEGER NOT NULL REFERENCES sequences(id),
    collection_id INTEGER NOT NULL REFERENCES collections(id),
    PRIMARY KEY (naming_authority, alias, sequence_id, collection_id)
  ) WITHOUT ROWID;
  CREATE INDEX alias_sources_collection ON alias_sources(collection_id);
  CREATE TABLE collection_name_history (
    name TEXT NOT NULL,
    collection_id INTEGER NOT NULL REFERENCES collections(id),
    PRIMARY KEY (name, collection_id)
  ) WITHOUT ROWID;
  INSERT INTO collection_name_history (name, collection_id) SELECT name, collection_id FROM collection_names;
  -- Existing aliases: from the collections that hold the sequence under that very name (a
  -- --naming-authority alias), else from every collection that holds the sequence.
  INSERT INTO alias_sources (naming_authority, alias, sequence_id, collection_id)
    SELECT DISTINCT a.naming_authority, a.alias, a.sequence_id, m.collection_id
    FROM aliases a JOIN collection_members m ON m.sequence_id = a.sequence_id AND m.name = a.alias;
  CREATE TEMP TABLE unsourced AS
    SELECT naming_authority, alias, sequence_id FROM aliases
    EXCEPT SELECT naming_authority, alias, sequence_id FROM alias_sources;
  INSERT INTO alias_sources (naming_authority, alias, sequence_id, collection_id)
    SELECT DISTINCT u.naming_authority, u.alias, u.sequence_id, m.collection_id
    FROM temp.unsourced u JOIN collection_members m ON m.sequence_id = u.sequence_id;
  DROP TABLE temp.unsourced;
  `,
    backfill: backfillIntegrity,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;
