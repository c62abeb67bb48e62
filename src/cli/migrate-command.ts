// `refget migrate`: upgrades a store written by an older release to this release's schema, in
// one transaction (a failure changes nothing). `serve` opens the index read-only and never
// migrates; `ingest` migrates as it opens the store.
import { existsSync } from 'node:fs';
import { AppError } from '../errors.js';
import { openIndexDb } from '../store/index/database.js';
import { SCHEMA_VERSION } from '../store/index/migrations.js';
import { indexPath } from '../store/layout.js';
import { keepWalFiles } from '../store/ingest-session.js';

export function runMigrate(storeDir: string): { store: string; from: number; to: number; seconds: number } {
  const began = Date.now();
  const path = indexPath(storeDir);
  if (!existsSync(path)) throw new AppError('STORE_NOT_FOUND', `no store at ${storeDir} (${path} does not exist)`);
  let from: number;
  try {
    const before = openIndexDb(path, { readonly: true, allowOld: true });
    from = before.pragma('user_version', { simple: true }) as number;
    before.close();
    openIndexDb(path, { readonly: false }).close();
  } finally {
    // Closing the last connection removes empty -wal/-shm files; a read-only mount needs them.
    keepWalFiles(path);
  }
  return { store: storeDir, from, to: SCHEMA_VERSION, seconds: (Date.now() - began) / 1000 };
}
