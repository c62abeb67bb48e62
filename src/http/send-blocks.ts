// Long bodies (a whole chromosome) written from two reusable buffers instead of a stream of fresh
// ones. Each block is read into one buffer and handed to res.write(); that buffer is refilled only
// after its write callback, when the socket no longer holds its bytes, while the other is filled.
// A Readable that pushed a new 1 MiB Buffer per block made V8 run a full mark-compact every
// 30-40 ms at 1 GB/s (external memory pressure), a third of the CPU of a download.
import type { FastifyReply } from 'fastify';
import type { BlockReader } from '../store/sequence-store.js';

/** Bytes per block: large writes, and at most two blocks held per response however slow the client. */
export const SEND_BLOCK_BYTES = 1 << 20;

declare module 'fastify' {
  interface FastifyReply {
    /** Counts body bytes written outside Fastify's send() (set by the metrics plugin). */
    countBodyBytes?: (n: number) => void;
  }
}

/**
 * Sends the concatenation of `readers` (in order) as the body, with the status and headers set
 * on `reply` (Content-Length among them). The first block is read before the response is taken
 * over from Fastify, so an unreadable pack still gets the usual JSON error; a failure after that
 * can only cut the connection, which the client sees as a short body.
 */
export async function sendBlocks(reply: FastifyReply, readers: readonly BlockReader[]): Promise<void> {
  const buffers = [Buffer.allocUnsafe(SEND_BLOCK_BYTES), Buffer.allocUnsafe(SEND_BLOCK_BYTES)] as const;
  let r = 0;
  const next = async (buf: Buffer): Promise<number> => {
    for (; r < readers.length; r++) {
      const n = await readers[r]!.read(buf);
      if (n > 0) return n;
    }
    return 0;
  };

  let n = await next(buffers[0]);
  reply.hijack();
  const res = reply.raw;
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) res.setHeader(name, value);
  }
  res.writeHead(reply.statusCode);
  let closed = false;
  const gone = new Promise<void>((resolve) => res.once('close', () => {
    closed = true;
    resolve();
  }));
  // The write callback says the socket is done with the bytes (and, without an error, that they
  // were sent, so they count then); a closed connection may never call it.
  const write = (chunk: Buffer): Promise<void> => Promise.race([
    new Promise<void>((resolve) => res.write(chunk, (err) => {
      if (err === undefined || err === null) reply.countBodyBytes?.(chunk.length);
      resolve();
    })),
    gone,
  ]);
  const pending: (Promise<void> | undefined)[] = [undefined, undefined];
  let i = 0;
  try {
    while (n > 0) {
      pending[i] = write(buffers[i]!.subarray(0, n));
      i ^= 1;
      await pending[i]; // the other buffer's bytes have left: it may be refilled
      if (closed || res.destroyed) return; // client gone: nothing more to send, and no buffer reused
      n = await next(buffers[i]!);
    }
    await pending[i ^ 1]; // the last block is out (and counted) before the response ends
    res.end();
  } catch (err) {
    reply.log.error({ err }, 'reading the sequence failed after the response began: connection cut');
    res.destroy(err as Error);
  }
}
