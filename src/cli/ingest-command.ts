// `refget ingest`: run ingestFiles in one session; commit on success, roll back on any failure.
import { IngestSession } from '../store/ingest-session.js';
import { ingestFiles, type IngestSummary } from '../ingest/ingest-files.js';
import { authorityProblem, readAliasesFile } from '../ingest/aliases-file.js';
import { AppError } from '../errors.js';

export interface IngestCommandOptions {
  store: string;
  namingAuthority?: string | undefined;
  aliases?: string | undefined;
  circular?: string[] | undefined;
  collectionName?: string | undefined;
  reassignName?: boolean | undefined;
  wait?: number | undefined;
  progress?: boolean;
}

export async function runIngest(files: string[], opts: IngestCommandOptions): Promise<IngestSummary> {
  const authority = opts.namingAuthority === undefined ? undefined : authorityProblem(opts.namingAuthority);
  if (authority !== undefined) throw new AppError('INPUT_ERROR', `--naming-authority: ${authority}`);
  if (opts.collectionName !== undefined && !/^[\x21-\x7e]{1,255}$/.test(opts.collectionName)) {
    throw new AppError(
      'INPUT_ERROR',
      '--collection-name: a collection name is 1 to 255 printable ASCII characters without spaces',
    );
  }
  const aliases = opts.aliases === undefined ? [] : readAliasesFile(opts.aliases);
  let session: IngestSession;
  try {
    session = IngestSession.open(opts.store, { waitMs: (opts.wait ?? 10) * 1000 });
  } catch (err) {
    throw storeWriteError(opts.store, err, false);
  }
  const progress = opts.progress ? progressPrinter() : undefined;
  try {
    const summary = await ingestFiles(session, files, {
      namingAuthority: opts.namingAuthority,
      circular: opts.circular ?? [],
      aliases,
      collectionName: opts.collectionName,
      reassignName: opts.reassignName,
      onProgress: progress?.update,
    });
    session.commit();
    return summary;
  } catch (err) {
    let rolledBack = true;
    try {
      session.rollback();
    } catch {
      // The original failure is the one to report; the next writer cuts any bytes left behind.
      rolledBack = false;
    }
    throw storeWriteError(opts.store, err, rolledBack);
  } finally {
    progress?.done();
  }
}

// A full disk, a read-only or unwritable store, an I/O error: the environment, not a bug, so it
// is reported in one line (exit 1) rather than as an "unexpected error" with a stack.
const WRITE_ERRNOS = new Set([
  'ENOSPC',
  'EDQUOT',
  'EROFS',
  'EACCES',
  'EPERM',
  'EIO',
  'EFBIG',
  'ENOTDIR',
  'EEXIST',
  'ENAMETOOLONG',
]);
const WRITE_SQLITE = /^SQLITE_(FULL|READONLY|CANTOPEN|IOERR|PERM)/;

function storeWriteError(store: string, err: unknown, rolledBack: boolean): unknown {
  if (err instanceof AppError) return err;
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string' || !(WRITE_ERRNOS.has(code) || WRITE_SQLITE.test(code))) return err;
  const state = rolledBack ? 'nothing was added' : 'nothing was committed';
  return new AppError('OUTPUT_ERROR', `cannot write to the store ${store}: ${(err as Error).message} (${code}); ${state}`);
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
      const of =
        size === undefined ? '' : ` of ${(size / 1e6).toFixed(0)} MB (${((100 * bytes) / Math.max(1, size)).toFixed(0)}%)`;
      process.stderr.write(`\r${file}: ${mb.toFixed(0)} MB${of}, ${rate.toFixed(0)} MB/s   `);
      shown = true;
    },
    done: () => {
      if (shown) process.stderr.write('\n');
    },
  };
}
