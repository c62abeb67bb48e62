// MD5 and SHA-512 of a long sequence on worker threads, one per digest, so that hashing (the
// slowest part of ingest) runs beside the main thread's parsing and packing. Since parsing and
// packing moved to WebAssembly (scan-body, pack-acgt) the main thread is the lightest of the
// three; measured on these 2-core machines, one worker per digest then beat one worker for both
// (250 Mbp, four runs each: 0.86-1.02 s against 1.08-1.22 s). Each worker gets its own copy of
// a chunk, in a transferred (not cloned) buffer; a bounded number of bytes may be in flight, and
// callers await drain().
import { Worker } from 'node:worker_threads';

// Inline (eval) worker: no separate file to resolve, so it works the same from src/ under tsx
// and from dist/ under node.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
// md5 as hex; sha512 as base64url cut to 32 characters (24 bytes): sha512t24u, as digests.ts.
const { algorithm, encoding, chars } = workerData;
let hash = createHash(algorithm);
parentPort.on('message', (msg) => {
  if (msg.type === 'data') {
    hash.update(new Uint8Array(msg.buffer, 0, msg.length));
    // Hand the buffer back for reuse: no fresh allocation (and page faults) per chunk.
    parentPort.postMessage({ type: 'ack', buffer: msg.buffer, length: msg.length }, [msg.buffer]);
  } else {
    const value = hash.digest(encoding).slice(0, chars);
    hash = createHash(algorithm);
    parentPort.postMessage({ type: 'digest', value });
  }
});
`;

export interface Digests {
  readonly md5: string;
  /** sha512t24u, without 'SQ.' */
  readonly ga4gh: string;
}

type WorkerMessage = { type: 'ack'; buffer: ArrayBuffer; length: number } | { type: 'digest'; value: string };

const MD5 = { algorithm: 'md5', encoding: 'hex', chars: 32 } as const;
const SHA512T24U = { algorithm: 'sha512', encoding: 'base64url', chars: 32 } as const;

/** Size of the recycled transfer buffers; the FASTA parser emits at most 1 MiB at a time. */
const POOL_BUFFER_BYTES = 1 << 20;

/** One hashing worker: its digest, the bytes it has yet to hash, its buffers. */
class HashWorker {
  readonly worker: Worker;
  inFlight = 0;
  readonly pool: ArrayBuffer[] = [];
  readonly digestWaiters: { resolve: (d: string) => void; reject: (e: Error) => void }[] = [];

  constructor(digest: typeof MD5 | typeof SHA512T24U, onAck: () => void, onError: (err: Error) => void) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: digest });
    this.worker.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'ack') {
        this.inFlight -= msg.length;
        if (msg.buffer.byteLength === POOL_BUFFER_BYTES) this.pool.push(msg.buffer);
        onAck();
      } else {
        this.digestWaiters.shift()?.resolve(msg.value);
      }
    });
    this.worker.on('error', (err) => {
      for (const w of this.digestWaiters.splice(0)) w.reject(err);
      onError(err);
    });
  }

  update(chunk: Uint8Array): void {
    // The caller's buffer is reused: the worker gets a copy in a transferred buffer, which it
    // sends back for the next chunk (no fresh allocation and page faults per chunk).
    const buffer = chunk.length <= POOL_BUFFER_BYTES ? this.pool.pop() ?? new ArrayBuffer(POOL_BUFFER_BYTES) : new ArrayBuffer(chunk.length);
    new Uint8Array(buffer).set(chunk);
    this.inFlight += chunk.length;
    this.worker.postMessage({ type: 'data', buffer, length: chunk.length }, [buffer]);
  }

  digest(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.digestWaiters.push({ resolve, reject });
      this.worker.postMessage({ type: 'end' });
    });
  }
}

export class StreamingDigester {
  private readonly md5: HashWorker;
  private readonly sha512: HashWorker;
  private readonly workers: readonly HashWorker[];
  private failure: Error | undefined;
  private drainWaiter: (() => void) | undefined;
  private drainLimit = 0;

  constructor() {
    const onAck = (): void => { if (this.bytesInFlight <= this.drainLimit) this.wakeDrain(); };
    const onError = (err: Error): void => { this.failure = err; this.wakeDrain(); };
    this.md5 = new HashWorker(MD5, onAck, onError);
    this.sha512 = new HashWorker(SHA512T24U, onAck, onError);
    this.workers = [this.md5, this.sha512];
  }

  /** Bytes handed over and not yet hashed (by the slowest worker). */
  get bytesInFlight(): number {
    let n = 0;
    for (const w of this.workers) n = Math.max(n, w.inFlight);
    return n;
  }

  update(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    for (const w of this.workers) w.update(chunk);
  }

  /** Digests of everything since the last digest(); resets for the next sequence. */
  async digest(): Promise<Digests> {
    if (this.failure) throw this.failure;
    const [md5, ga4gh] = await Promise.all([this.md5.digest(), this.sha512.digest()]);
    return { md5, ga4gh };
  }

  /** Resolves once at most `limit` bytes are still waiting to be hashed. */
  async drain(limit: number): Promise<void> {
    if (this.bytesInFlight > limit && this.failure === undefined) {
      this.drainLimit = limit;
      await new Promise<void>((resolve) => { this.drainWaiter = resolve; });
    }
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }

  private wakeDrain(): void {
    const w = this.drainWaiter;
    this.drainWaiter = undefined;
    w?.();
  }
}
