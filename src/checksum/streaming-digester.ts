// MD5 and SHA-512 of a long sequence on a worker thread, so that hashing (the slowest part of
// ingest) runs on the second core while the main thread parses and packs. One worker computes
// both digests: measured on these 2-core machines, two hash workers plus the main thread
// (three busy threads) were slower than two, from contention. Chunks are copied and
// transferred; a bounded number of bytes may be in flight, and callers await drain().
import { Worker } from 'node:worker_threads';

// Inline (eval) worker: no separate file to resolve, so it works the same from src/ under tsx
// and from dist/ under node.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
let md5 = createHash('md5');
let sha = createHash('sha512');
parentPort.on('message', (msg) => {
  if (msg.type === 'data') {
    const view = new Uint8Array(msg.buffer, 0, msg.length);
    md5.update(view);
    sha.update(view);
    // Hand the buffer back for reuse: no fresh allocation (and page faults) per chunk.
    parentPort.postMessage({ type: 'ack', buffer: msg.buffer, length: msg.length }, [msg.buffer]);
  } else {
    const digests = { type: 'digest', md5: md5.digest('hex'), ga4gh: sha.digest().subarray(0, 24).toString('base64url') };
    md5 = createHash('md5');
    sha = createHash('sha512');
    parentPort.postMessage(digests);
  }
});
`;

export interface Digests {
  readonly md5: string;
  /** sha512t24u, without 'SQ.' */
  readonly ga4gh: string;
}

type WorkerMessage = { type: 'ack'; buffer: ArrayBuffer; length: number } | ({ type: 'digest' } & Digests);

/** Size of the recycled transfer buffers; the FASTA parser emits at most 1 MiB at a time. */
const POOL_BUFFER_BYTES = 1 << 20;

export class StreamingDigester {
  private readonly worker: Worker;
  private inFlight = 0;
  private failure: Error | undefined;
  private readonly digestWaiters: { resolve: (d: Digests) => void; reject: (e: Error) => void }[] = [];
  private drainWaiter: (() => void) | undefined;
  private drainLimit = 0;
  private readonly pool: ArrayBuffer[] = [];

  constructor() {
    this.worker = new Worker(WORKER_SOURCE, { eval: true });
    this.worker.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'ack') {
        this.inFlight -= msg.length;
        if (msg.buffer.byteLength === POOL_BUFFER_BYTES) this.pool.push(msg.buffer);
        if (this.inFlight <= this.drainLimit) this.wakeDrain();
      } else {
        this.digestWaiters.shift()?.resolve({ md5: msg.md5, ga4gh: msg.ga4gh });
      }
    });
    this.worker.on('error', (err) => {
      this.failure = err;
      for (const w of this.digestWaiters.splice(0)) w.reject(err);
      this.wakeDrain();
    });
  }

  get bytesInFlight(): number {
    return this.inFlight;
  }

  update(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    // The caller's buffer is reused: the worker gets a copy in a transferred (not cloned)
    // buffer, which it sends back for the next chunk.
    const buffer = chunk.length <= POOL_BUFFER_BYTES ? this.pool.pop() ?? new ArrayBuffer(POOL_BUFFER_BYTES) : new ArrayBuffer(chunk.length);
    new Uint8Array(buffer).set(chunk);
    this.inFlight += chunk.length;
    this.worker.postMessage({ type: 'data', buffer, length: chunk.length }, [buffer]);
  }

  /** Digests of everything since the last digest(); resets for the next sequence. */
  digest(): Promise<Digests> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.digestWaiters.push({ resolve, reject });
      this.worker.postMessage({ type: 'end' });
    });
  }

  /** Resolves once at most `limit` bytes are still waiting to be hashed. */
  async drain(limit: number): Promise<void> {
    if (this.inFlight > limit && this.failure === undefined) {
      this.drainLimit = limit;
      await new Promise<void>((resolve) => { this.drainWaiter = resolve; });
    }
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private wakeDrain(): void {
    const w = this.drainWaiter;
    this.drainWaiter = undefined;
    w?.();
  }
}
