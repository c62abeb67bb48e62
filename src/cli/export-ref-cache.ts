// `refget export-ref-cache DIR`: every stored sequence as a samtools/htslib REF_CACHE file, so
// CRAM files can be read offline with REF_CACHE=DIR/%2s/%2s/%s. Each file is named by the md5 of
// its sequence and holds the upper-case bases only, no header and no newline (htslib's layout).
import { createWriteStream, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../errors.js';
import { SequenceStore } from '../store/sequence-store.js';

export interface ExportRefCacheSummary {
  dir: string;
  sequences: number;
  written: number;
  /** already present with the right size */
  skipped: number;
  /** bytes written by this run */
  bytes: number;
  seconds: number;
}

/**
 * DIR/%2s/%2s/%s for an md5: `ab/cd/ef01…` (htslib's REF_CACHE expansion). The md5 comes from
 * the index; anything but 32 lower-case hex digits ('../', '/') could name a path outside DIR.
 */
export function refCachePath(dir: string, md5: string): string {
  if (!/^[0-9a-f]{32}$/.test(md5)) {
    throw new AppError(
      'CORRUPT_STORE',
      `the store index holds an md5 that is not 32 hex digits (${JSON.stringify(md5.slice(0, 40))}); run 'refget verify'`,
    );
  }
  return join(dir, md5.slice(0, 2), md5.slice(2, 4), md5.slice(4));
}

function sizeOf(path: string): number | undefined {
  try {
    const st = statSync(path);
    return st.isFile() ? st.size : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes each sequence not already present (same name, same size) through a temporary file in
 * the same directory and a rename, so a reader or an interrupted run never sees a partial file.
 * Sequences stream from the store in blocks: memory does not grow with chromosome length.
 */
export async function runExportRefCache(storeDir: string, outDir: string): Promise<ExportRefCacheSummary> {
  const began = Date.now();
  const dir = resolve(outDir);
  const summary: ExportRefCacheSummary = { dir, sequences: 0, written: 0, skipped: 0, bytes: 0, seconds: 0 };
  const store = SequenceStore.open(storeDir);
  try {
    for (const record of store.allSequences()) {
      summary.sequences++;
      const path = refCachePath(dir, record.md5);
      if (sizeOf(path) === record.length) {
        summary.skipped++;
        continue;
      }
      const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
      try {
        mkdirSync(dirname(path), { recursive: true });
        // The bytes are checked against the md5 they are filed under before the file appears.
        const md5 = createHash('md5');
        await pipeline(
          store.streamRange(record, 0, record.length),
          async function* (blocks: AsyncIterable<Buffer>) {
            for await (const block of blocks) {
              md5.update(block);
              yield block;
            }
          },
          createWriteStream(tmp, { flags: 'wx' }),
        );
        if (md5.digest('hex') !== record.md5)
          throw new AppError('CORRUPT_STORE', `the bases of ${record.md5} do not match their md5; run 'refget verify'`);
        renameSync(tmp, path);
      } catch (err) {
        try {
          rmSync(tmp, { force: true });
        } catch {
          /* the directory itself may be what failed */
        }
        const code = (err as NodeJS.ErrnoException).code;
        // Store damage keeps its own code; a file system failure names the file and the cause.
        if (err instanceof AppError || code === undefined) throw err;
        throw new AppError('OUTPUT_ERROR', `cannot write ${path}: ${(err as Error).message}`);
      }
      summary.written++;
      summary.bytes += record.length;
    }
  } finally {
    store.close();
  }
  summary.seconds = Math.round((Date.now() - began) / 10) / 100;
  return summary;
}
