// `refget ingest`: run ingestFiles in one session; commit on success, roll back on any failure.
import { IngestSession } from '../store/ingest-session.js';
import { ingestFiles, type IngestSummary } from '../ingest/ingest-files.js';
import { readAliasesFile } from '../ingest/aliases-file.js';

export interface IngestCommandOptions {
  store: string;
  namingAuthority?: string | undefined;
  aliases?: string | undefined;
  circular?: string[] | undefined;
  collectionName?: string | undefined;
  wait?: number | undefined;
  progress?: boolean;
}

export async function runIngest(files: string[], opts: IngestCommandOptions): Promise<IngestSummary> {
  const aliases = opts.aliases === undefined ? [] : readAliasesFile(opts.aliases);
  const session = IngestSession.open(opts.store, { waitMs: (opts.wait ?? 10) * 1000 });
  const progress = opts.progress ? progressPrinter() : undefined;
  try {
    const summary = await ingestFiles(session, files, {
      namingAuthority: opts.namingAuthority,
      circular: opts.circular ?? [],
      aliases,
      collectionName: opts.collectionName,
      onProgress: progress?.update,
    });
    session.commit();
    return summary;
  } catch (err) {
    session.rollback();
    throw err;
  } finally {
    progress?.done();
  }
}

/** One status line on stderr, redrawn at most 4 times a second (TTY only). */
function progressPrinter(): { update: (p: { file: string; bytes: number; size: number | undefined }) => void; done: () => void } {
  const began = Date.now();
  let last = 0;
  let shown = false;
  return {
    update: ({ file, bytes, size }) => {
      const now = Date.now();
      if (now - last < 250) return;
      last = now;
      const mb = bytes / 1e6;
      const rate = mb / Math.max(0.001, (now - began) / 1000);
      const of = size === undefined ? '' : ` of ${(size / 1e6).toFixed(0)} MB (${((100 * bytes) / Math.max(1, size)).toFixed(0)}%)`;
      process.stderr.write(`\r${file}: ${mb.toFixed(0)} MB${of}, ${rate.toFixed(0)} MB/s   `);
      shown = true;
    },
    done: () => { if (shown) process.stderr.write('\n'); },
  };
}
