// Ordered schema migrations. PRAGMA user_version is the schema version: a store written by a
// newer release is refused rather than misread (seqrepo's "upgrade required" check).

export const MIGRATIONS: readonly string[] = [
  // 1: sequences in pack files, aliases, per-file collections with their seqcol digests.
  `
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
];

export const SCHEMA_VERSION = MIGRATIONS.length;
