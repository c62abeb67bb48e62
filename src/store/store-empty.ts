// Whether a store holds no sequence yet (no index, an index without tables, or no rows): what
// `serve --sample` asks before loading the bundled sample.
import { existsSync } from 'node:fs';
import { openIndexDb } from './index/database.js';
import { indexPath } from './layout.js';

export function storeIsEmpty(storeDir: string): boolean {
  const path = indexPath(storeDir);
  if (!existsSync(path)) return true;
  const db = openIndexDb(path, { readonly: true, allowOld: true });
  try {
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sequences'").get() !== undefined;
    return !hasTable || db.prepare('SELECT 1 FROM sequences LIMIT 1').get() === undefined;
  } finally {
    db.close();
  }
}
