// Opens the SQLite index: WAL, foreign keys, schema version checked (and migrated when writable).
import Database from 'better-sqlite3';
import { AppError } from '../../errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';

export type Db = Database.Database;

export function openIndexDb(path: string, options: { readonly: boolean }): Db {
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
    }
    db.pragma('foreign_keys = ON');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new AppError('SCHEMA_MISMATCH',
        `store schema version ${version} is newer than this release supports (${SCHEMA_VERSION}); upgrade refget`);
    }
    if (version < SCHEMA_VERSION) {
      if (options.readonly) {
        throw new AppError('SCHEMA_MISMATCH',
          `store schema version ${version} needs migration to ${SCHEMA_VERSION}; run any 'refget ingest' or 'refget migrate' first`);
      }
      const migrate = db.transaction(() => {
        // Read again under the write lock: two first ingests into a new store both saw version 0
        // above, and the one that got the lock second must not run the migrations again.
        const current = db.pragma('user_version', { simple: true }) as number;
        for (let v = current; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
        db.pragma(`user_version = ${SCHEMA_VERSION}`);
      });
      migrate.immediate();
    }
    return db;
  } catch (err) {
    db.close();
    if (options.readonly && (err as { code?: string }).code === 'SQLITE_CANTOPEN') {
      // SQLite opens lazily: a WAL database on a read-only mount fails here when its -wal/-shm
      // files are missing (every ingest leaves them; a store from an older release may not).
      throw new AppError('STORE_NOT_FOUND', `cannot read store index ${path}: ${(err as Error).message}; `
        + `on a read-only mount, ${path}-wal and ${path}-shm must exist (run any ingest, or create them empty)`);
    }
    throw err;
  }
}
