// MD5 and SHA-512 of a long sequence on worker threads, one per digest, so that hashing (the
// slowest part of ingest) runs beside the main thread's parsing and packing. Since parsing and
// packing moved to WebAssembly (scan-body, pack-acgt) the main thread is the lightest of the
// three; measured on these 2-core machines, one worker per digest then beat one worker for both
// (0.86-0.89 s against 1.08-1.12 s for 250 Mbp). Each worker gets its own copy of a chunk, in a
// transferred (not cloned) buffer; a bounded number of bytes may be in flight, and callers
// await drain().
import { Worker } from 'node:worker_threads';

// Inline (eval) worker: no separate file to resolve, so it works the same from src/ under tsx
// and from dist/ under node.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const want = workerData;
let md5 = want.md5 ? createHash('md5') : undefined;
let sha = want.sha512 ? createHash('sha512') : undefined;
parentPort.on('message', (msg) => {
  if (msg.type === 'data') {
    const view = new Uint8Array(msg.buffer, 0, msg.length);
    md5?.update(view);
    sha?.update(view);
    // Hand the buffer back for reuse: no fresh allocation (and page faults) per chunk.
    parentPort.postMessage({ type: 'ack', buffer: msg.buffer, length: msg.length }, [msg.buffer]);
  } else {
    const digests = { type: 'digest', md5: md5?.digest('hex'), ga4gh: sha?.digest().subarray(0, 24).toString('base64url') };
    md5 = want.md5 ? createHash('md5') : undefined;
    sha = want.sha512 ? createHash('sha512') : undefined;
    parentPort.postMessage(digests);
  }
});
`;

export interface Digests {
  readonly md5: string;
  /** sha512t24u, without 'SQ.' */
  readonly ga4gh: string;
}

type WorkerMessage = { type: 'ack'; buffer: ArrayBuffer; length: number } | { type: 'digest'; md5?: string; ga4gh?: string };

/** Size of the recycled transfer buffers; the FASTA parser emits at most 1 MiB at a time. */
const POOL_BUFFER_BYTES = 1 << 20;

/** One hashing worker: its share of the digests, the bytes it has yet to hash, its buffers. */
class HashWorker {
  readonly worker: Worker;
  inFlight = 0;
  readonly pool: ArrayBuffer[] = [];
  readonly digestWaiters: { resolve: (d: Partial<Digests>) => void; reject: (e: Error) => void }[] = [];

  constructor(hashes: { md5: boolean; sha512: boolean }, onAck: () => void, onError: (err: Error) => void) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: hashes });
    this.worker.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'ack') {
        this.inFlight -= msg.length;
        if (msg.buffer.byteLength === POOL_BUFFER_BYTES) this.pool.push(msg.buffer);
        onAck();
      } else {
        this.digestWaiters.shift()?.resolve({ ...(msg.md5 === undefined ? {} : { md5: msg.md5 }), ...(msg.ga4gh === undefined ? {} : { ga4gh: msg.ga4gh }) });
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

  digest(): Promise<Partial<Digests>> {
    return new Promise((resolve, reject) => {
      this.digestWaiters.push({ resolve, reject });
      this.worker.postMessage({ type: 'end' });
    });
  }
}

export class StreamingDigester {
  private readonly workers: HashWorker[];
  private failure: Error | undefined;
  private drainWaiter: (() => void) | undefined;
  private drainLimit = 0;

  constructor() {
    const onAck = (): void => { if (this.bytesInFlight <= this.drainLimit) this.wakeDrain(); };
    const onError = (err: Error): void => { this.failure = err; this.wakeDrain(); };
    this.workers = [new HashWorker({ md5: true, sha512: false }, onAck, onError), new HashWorker({ md5: false, sha512: true }, onAck, onError)];
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
    const parts = await Promise.all(this.workers.map((w) => w.digest()));
    const merged = Object.assign({}, ...parts) as Partial<Digests>;
    if (merged.md5 === undefined || merged.ga4gh === undefined) throw new Error('digest worker returned no digest');
    return { md5: merged.md5, ga4gh: merged.ga4gh };
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
