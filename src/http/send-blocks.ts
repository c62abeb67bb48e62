// Long bodies (a whole chromosome) written from two reusable buffers instead of a stream of fresh
// ones. Each block is read into one buffer and handed to res.write(); that buffer is refilled only
// after its write callback, when the socket no longer holds its bytes, while the other is filled.
// A Readable that pushed a new 1 MiB Buffer per block made V8 run a full mark-compact every
// 30-40 ms under two parallel downloads (external memory pressure): about 40 % of the machine's
// CPU samples, and 353-415 ms of server CPU per 250 Mbp download against 145-175 ms now.
//
// Every buffer a response holds is counted against its worker's budget (config.streamBudgetMb):
// a new long download that would go past it is refused with 503 OVERLOADED before anything is
// sent, so a thousand clients that read slowly cannot take a worker's memory.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../errors.js';
import { DEFAULT_STREAM_BUDGET_MB } from '../config.js';
import type { BlockReader } from '../store/sequence-store.js';

/**
 * Bytes per block; a response holds at most two, however slow its client. 256 KiB: a client
 * reading at 10 kB/s holds ~0.6 MB (two blocks and the store's read scratch) instead of ~2.4 MB
 * with 1 MiB blocks, and whole 250 Mbp downloads ran as fast (2 parallel curl loops, 7
 * alternating 8 s rounds on the 2-core VM, 2026-12-03: 1,129-1,532 MB/s against 1,098-1,543);
 * 128 KiB blocks were ~25 % slower.
 */
export const SEND_BLOCK_BYTES = 1 << 18;

declare module 'fastify' {
  interface FastifyReply {
    /** Counts body bytes written outside Fastify's send() (set by the metrics plugin). */
    countBodyBytes?: (n: number) => void;
  }
}

/** Idle block buffers shared by responses: a download after the first allocates none. */
const idle: Buffer[] = [];
const IDLE_MAX = 8;

/**
 * Bytes of block buffers the responses of one app hold now, keyed by the app's config: every
 * plugin context of an app shares that object (a context's own `server` is a different one).
 */
const held = new WeakMap<object, { bytes: number }>();
const heldBy = (app: FastifyInstance): { bytes: number } => {
  let h = held.get(app.config);
  if (h === undefined) held.set(app.config, (h = { bytes: 0 }));
  return h;
};

/** Bytes of block buffers the long downloads of `app` hold now (for tests and metrics). */
export const streamBytesHeld = (app: FastifyInstance): number => heldBy(app).bytes;

const takeBuffer = (h: { bytes: number }): Buffer => {
  h.bytes += SEND_BLOCK_BYTES;
  return idle.pop() ?? Buffer.allocUnsafe(SEND_BLOCK_BYTES);
};
/**
 * A dropped block buffer's memory is freed only when V8 collects its Buffer, and V8 collects
 * when JavaScript allocates: a worker that goes quiet after hundreds of slow clients leave kept
 * their buffers (a 2-worker server stayed at 398 MB, from 237, ten seconds after 300 slow
 * readers left). So once DROPPED_BEFORE_GC bytes have been dropped, a full collection runs a
 * second later (once, however many drop meanwhile). V8 runs one per few seconds under load
 * anyway; this one costs a few milliseconds.
 */
const DROPPED_BEFORE_GC = 32 << 20;
let dropped = 0;
let gcTimer: NodeJS.Timeout | undefined;
let collect: (() => void) | undefined;
const collectSoon = (): void => {
  if (gcTimer !== undefined) return;
  if (collect === undefined) {
    // gc() without starting node with --expose-gc: the flag set now, the function taken from a new context.
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  gcTimer = setTimeout(() => {
    gcTimer = undefined;
    dropped = 0;
    collect!();
  }, 1000).unref();
};

/** Returns a response's buffers to the budget; only those no write still holds are reused. */
const release = (h: { bytes: number }, buffers: readonly (Buffer | undefined)[], reusable: boolean): void => {
  for (const b of buffers) {
    if (b === undefined) continue;
    h.bytes -= SEND_BLOCK_BYTES;
    if (reusable && idle.length < IDLE_MAX) idle.push(b);
    else if ((dropped += SEND_BLOCK_BYTES) >= DROPPED_BEFORE_GC) collectSoon();
  }
};

/** One reader over several (the two halves of a circular wrap), read one after another. */
export function concatBlockReaders(readers: readonly BlockReader[]): BlockReader {
  if (readers.length === 1) return readers[0]!;
  let r = 0;
  return {
    read: async (target: Buffer): Promise<number> => {
      for (; r < readers.length; r++) {
        const n = await readers[r]!.read(target);
        if (n > 0) return n;
      }
      return 0;
    },
  };
}

/**
 * Sends what `reader` reads as the body, with the status and headers set on `reply`
 * (Content-Length among them). The first block is read before the response is taken over from
 * Fastify, so an unreadable pack still gets the usual JSON error; a failure after that can only
 * cut the connection, which the client sees as a short body.
 */
export async function sendBlocks(reply: FastifyReply, reader: BlockReader): Promise<void> {
  const h = heldBy(reply.server);
  const budget = (reply.server.config.streamBudgetMb ?? DEFAULT_STREAM_BUDGET_MB) * 2 ** 20;
  // A download needs two blocks; refuse it now rather than take memory the worker has not got.
  if (h.bytes + 2 * SEND_BLOCK_BYTES > budget) {
    throw new AppError('OVERLOADED', 'too many long downloads are in progress on this server; retry in a few seconds');
  }
  const buffers: [Buffer, Buffer | undefined] = [takeBuffer(h), undefined];
  let n: number;
  try {
    n = await reader.read(buffers[0]);
  } catch (err) {
    release(h, buffers, true);
    throw err; // nothing sent yet: Fastify's error handler answers
  }
  reply.hijack();
  const res = reply.raw;
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) res.setHeader(name, value);
  }
  res.writeHead(reply.statusCode);
  const gone = new Promise<false>((resolve) => res.once('close', () => resolve(false)));
  // The write callback says the socket is done with the chunk: true. (Without an error its bytes
  // were sent, so they count then.) A closed connection may never call it: false.
  const write = (chunk: Buffer): Promise<boolean> =>
    Promise.race([
      new Promise<true>((resolve) =>
        res.write(chunk, (err) => {
          if (err === undefined || err === null) reply.countBodyBytes?.(chunk.length);
          resolve(true);
        }),
      ),
      gone,
    ]);
  const pending: (Promise<boolean> | undefined)[] = [undefined, undefined];
  let i = 0;
  try {
    while (n > 0) {
      pending[i] = write(buffers[i]!.subarray(0, n));
      i ^= 1;
      // The other buffer may be refilled once its bytes have left; if the client went away
      // instead, stop, and reuse no buffer.
      if ((await pending[i]) === false || res.destroyed) return release(h, buffers, false);
      n = await reader.read((buffers[i] ??= takeBuffer(h)));
    }
    if ((await pending[i ^ 1]) === false) return release(h, buffers, false); // the last block is out (and counted) first
    res.end();
    release(h, buffers, true);
  } catch (err) {
    release(h, buffers, false);
    reply.log.error({ err }, 'reading the sequence failed after the response began: connection cut');
    res.destroy(err as Error);
  }
}
