// Opens the SQLite index: WAL, foreign keys, schema version checked (and migrated when writable).
import { closeSync, existsSync, fsyncSync, linkSync, openSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../../errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';

export type Db = Database.Database;

/** `allowOld`: a read-only open that accepts an older schema (to read its version, nothing else). */
export function openIndexDb(path: string, options: { readonly: boolean; allowOld?: boolean }): Db {
  if (!options.readonly && !existsSync(path)) createIndex(path);
  return openExisting(path, options);
}

/**
 * A new index is built under a private name (WAL mode, full schema) and linked into place, so
 * first writers racing on a new store only ever open a finished WAL database. Built in place,
 * two of them switching an empty file to WAL at once could fail with SQLITE_BUSY at once: SQLite
 * skips the busy handler when upgrading a read lock could deadlock.
 */
function createIndex(path: string): void {
  const building = `${path}.new-${process.pid}-${Date.now()}`;
  try {
    openExisting(building, { readonly: false }).close();
    try {
      linkSync(building, path);
    } catch (err) {
      // Another writer linked its index first: use that one.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const dir = openSync(dirname(path), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } finally {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(building + suffix, { force: true });
  }
}

function openExisting(path: string, options: { readonly: boolean; allowOld?: boolean }): Db {
  let db: Db;
  try {
    db = new Database(path, { readonly: options.readonly, fileMustExist: options.readonly, timeout: 5000 });
  } catch (err) {
    throw new AppError('STORE_NOT_FOUND', `cannot open store index ${path}: ${(err as Error).message}`);
  }
  try {
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      // Temporary tables (an ingest's staged members, a migration's work) go to disk, not memory:
      // set before any transaction, where SQLite no longer accepts it.
      db.pragma('temp_store = FILE');
    }
    db.pragma('foreign_keys = ON');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version === 0 && db.prepare("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").pluck().get() !== 0) {
      throw new AppError(
        'CORRUPT_STORE',
        `${path} is an SQLite database but not a refget store index (no schema version); not touching it`,
      );
    }
    if (version > SCHEMA_VERSION) {
      throw new AppError(
        'SCHEMA_MISMATCH',
        `store schema version ${version} is newer than this release supports (${SCHEMA_VERSION}); upgrade refget`,
      );
    }
    if (version < SCHEMA_VERSION) {
      if (options.readonly && options.allowOld === true) return db;
      if (options.readonly) {
        throw new AppError(
          'SCHEMA_MISMATCH',
          `store ${dirname(path)} has schema version ${version}; this release reads version ${SCHEMA_VERSION}. ` +
            `Upgrade it once with 'refget migrate --store ${dirname(path)}' (it re-verifies every sequence and adds block checksums), then start again`,
        );
      }
      const migrate = db.transaction(() => {
        // Read again under the write lock: two first ingests into a new store both saw version 0
        // above, and the one that got the lock second must not run the migrations again.
        const current = db.pragma('user_version', { simple: true }) as number;
        for (let v = current; v < SCHEMA_VERSION; v++) {
          const migration = MIGRATIONS[v]!;
          db.exec(migration.sql);
          migration.backfill?.(db, dirname(path));
        }
        db.pragma(`user_version = ${SCHEMA_VERSION}`);
      });
      migrate.immediate();
    }
    return db;
  } catch (err) {
    db.close();
    const code = (err as { code?: string }).code ?? '';
    if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
      throw new AppError(
        'CORRUPT_STORE',
        `${path} is damaged or not a refget store index (${(err as Error).message}); restore it from a backup or re-ingest`,
      );
    }
    if (options.readonly && (err as { code?: string }).code === 'SQLITE_CANTOPEN') {
      // SQLite opens lazily: a WAL database on a read-only mount fails here when its -wal/-shm
      // files are missing (every ingest leaves them; a store from an older release may not).
      throw new AppError(
        'STORE_NOT_FOUND',
        `cannot read store index ${path}: ${(err as Error).message}; ` +
          `on a read-only mount, ${path}-wal and ${path}-shm must exist (run any ingest, or create them empty)`,
      );
    }
    throw err;
  }
}
