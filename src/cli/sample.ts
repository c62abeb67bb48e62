// The bundled sample (data/sample): what `npm start` serves on a fresh clone.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { storeIsEmpty } from '../store/store-empty.js';
import { runIngest } from './ingest-command.js';
import type { IngestSummary } from '../ingest/ingest-files.js';

export const SAMPLE_DIR = fileURLToPath(new URL('../../data/sample/', import.meta.url));
const REFGET_FILES = ['I.faa', 'VI.faa', 'NC.faa'];
const SEQCOL_FILES = ['base.fa', 'different_names.fa', 'different_order.fa', 'pair_swap.fa', 'subset.fa', 'swap_wo_coords.fa'];

/** Loads the sample when the store has no sequence yet; returns the summary, or undefined if it had some. */
export async function loadSampleIfEmpty(storeDir: string): Promise<IngestSummary | undefined> {
  if (!storeIsEmpty(storeDir)) return undefined;
  return runIngest(
    [...REFGET_FILES, ...SEQCOL_FILES].map((f) => join(SAMPLE_DIR, f)),
    {
      store: storeDir,
      aliases: join(SAMPLE_DIR, 'refget-aliases.tsv'),
      circular: ['NC_001422.1'],
    },
  );
}
