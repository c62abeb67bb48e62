// Where a store keeps its files. A store is a directory: relocatable, copyable, read-only-mountable.
import { join } from 'node:path';

export const indexPath = (dir: string): string => join(dir, 'index.sqlite3');
export const packsDir = (dir: string): string => join(dir, 'packs');
export const packFileName = (id: number): string => `${String(id).padStart(6, '0')}.pack`;
export const packPath = (dir: string, file: string): string => join(packsDir(dir), file);

/** A pack file is closed to new sequences past this size; the next run starts a new one. */
export const PACK_ROLLOVER_BYTES = 2 ** 31;
