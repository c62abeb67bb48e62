// Stores one sequence whose bases wait, normalised and already verified, in a file (a mirror's
// download): through the ingest path (one IngestSession: the writer lock, pack bytes fsynced
// before the one COMMIT, rolled back on any failure), in 1 MiB reads that each let the event loop
// run, so a server process importing a 250 Mbp chromosome keeps answering others. The sequence
// belongs to no collection and gets no alias: a digest is all a mirror knows about it.
import { open } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { AppError } from '../errors.js';
import { IngestSession, type SequenceDigests } from './ingest-session.js';

const READ_BYTES = 1 << 20;

export interface ImportOptions {
  /** how long to keep retrying while another writer (an ingest) holds the store */
  readonly lockWaitMs: number;
  /** pause between attempts to take the writer lock */
  readonly lockRetryMs?: number;
}

/**
 * Adds the `length` bases in `file` as a sequence with these digests, unless the store has it
 * already, in a transaction of its own. Never blocks the event loop on the writer lock: it is
 * tried without waiting, and retried every lockRetryMs until lockWaitMs has passed (then
 * STORE_LOCKED).
 */
export async function importSequenceFile(
  dir: string,
  file: string,
  digests: SequenceDigests & { length: number },
  options: ImportOptions,
): Promise<{ added: boolean }> {
  const session = await openWhenFree(dir, options);
  try {
    const added = await addSequenceFile(session, file, digests);
    if (!added) {
      session.rollback();
      return { added };
    }
    await session.startPackSync();
    session.commit();
    return { added };
  } catch (err) {
    session.rollback();
    throw err;
  }
}

/** Adds the sequence in `file` to an open session unless the store (or the session) has it. */
export async function addSequenceFile(
  session: IngestSession,
  file: string,
  digests: SequenceDigests & { length: number },
): Promise<boolean> {
  if (session.findByGa4gh(digests.ga4gh) !== undefined) return false;
  const input = await open(file, 'r');
  try {
    const block = Buffer.allocUnsafe(Math.max(1, Math.min(READ_BYTES, digests.length)));
    const readNext = async (at: number): Promise<Buffer> => {
      const want = Math.min(block.length, digests.length - at);
      const { bytesRead } = await input.read(block, 0, want, at);
      if (bytesRead !== want) throw new AppError('INPUT_ERROR', `${file} is shorter than its ${digests.length} bases`);
      return block.subarray(0, want);
    };
    if (digests.length <= READ_BYTES) return session.addWholeSequence(await readNext(0), digests).added;
    const writer = session.beginStreamingSequence(await readNext(0));
    for (let at = block.length; at < digests.length; at += block.length) {
      writer.write(await readNext(at));
      await nextTurn();
    }
    return session.finishStreamingSequence(writer, digests).added;
  } finally {
    await input.close();
  }
}

/** The writer's session, taken without blocking the event loop (see importSequenceFile). */
export async function openWhenFree(dir: string, options: ImportOptions): Promise<IngestSession> {
  const giveUp = Date.now() + options.lockWaitMs;
  for (;;) {
    try {
      return IngestSession.open(dir, { waitMs: 0 });
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'STORE_LOCKED' || Date.now() >= giveUp) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, options.lockRetryMs ?? 100));
  }
}
