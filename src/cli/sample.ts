// The bundled sample (data/sample): what `npm start` serves on a fresh clone.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { indexPath } from '../store/layout.js';
import { runIngest } from './ingest-command.js';
import type { IngestSummary } from '../ingest/ingest-files.js';

export const SAMPLE_DIR = fileURLToPath(new URL('../../data/sample/', import.meta.url));
const REFGET_FILES = ['I.faa', 'VI.faa', 'NC.faa'];
const SEQCOL_FILES = ['base.fa', 'different_names.fa', 'different_order.fa', 'pair_swap.fa', 'subset.fa', 'swap_wo_coords.fa'];

function storeIsEmpty(storeDir: string): boolean {
  const path = indexPath(storeDir);
  if (!existsSync(path)) return true;
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sequences'").get() !== undefined;
    return !hasTable || db.prepare('SELECT 1 FROM sequences LIMIT 1').get() === undefined;
  } finally {
    db.close();
  }
}

/** Loads the sample when the store has no sequence yet; returns the summary, or undefined if it had some. */
export async function loadSampleIfEmpty(storeDir: string): Promise<IngestSummary | undefined> {
  if (!storeIsEmpty(storeDir)) return undefined;
  return runIngest([...REFGET_FILES, ...SEQCOL_FILES].map((f) => join(SAMPLE_DIR, f)), {
    store: storeDir,
    aliases: join(SAMPLE_DIR, 'refget-aliases.tsv'),
    circular: ['NC_001422.1'],
  });
}
