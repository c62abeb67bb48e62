// MD5 and SHA-512 of a long sequence, each on its own worker thread, so that hashing (the
// slowest part of ingest: ~334 MB/s for both on one thread) runs beside the main thread's
// parsing and packing. Each chunk is copied once into shared memory that both workers read; a
// bounded number of bytes may be in flight, and callers await drain() to respect that bound.
import { Worker } from 'node:worker_threads';

// Inline (eval) worker: no separate file to resolve, so it works the same from src/ under tsx
// and from dist/ under node.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const algorithm = workerData.algorithm;
let hash = createHash(algorithm);
parentPort.on('message', (msg) => {
  if (msg.type === 'data') {
    hash.update(msg.view);
    parentPort.postMessage({ type: 'ack', bytes: msg.view.length });
  } else {
    const d = hash.digest();
    hash = createHash(algorithm);
    parentPort.postMessage({ type: 'digest', value: algorithm === 'md5' ? d.toString('hex') : d.subarray(0, 24).toString('base64url') });
  }
});
`;

export interface Digests {
  readonly md5: string;
  /** sha512t24u, without 'SQ.' */
  readonly ga4gh: string;
}

type WorkerMessage = { type: 'ack'; bytes: number } | { type: 'digest'; value: string };

class HashWorker {
  readonly worker: Worker;
  inFlight = 0;
  failure: Error | undefined;
  private readonly waiters: ((value: string) => void)[] = [];
  onAck: () => void = () => undefined;

  constructor(algorithm: 'md5' | 'sha512') {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { algorithm } });
    this.worker.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'ack') {
        this.inFlight -= msg.bytes;
        this.onAck();
      } else {
        this.waiters.shift()?.(msg.value);
      }
    });
    this.worker.on('error', (err) => { this.failure = err; this.onAck(); });
  }

  send(view: Uint8Array): void {
    this.inFlight += view.length;
    this.worker.postMessage({ type: 'data', view }, [view.buffer as ArrayBuffer]);
  }

  digest(): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.worker.postMessage({ type: 'end' });
    });
  }
}

export class StreamingDigester {
  private readonly md5 = new HashWorker('md5');
  private readonly sha = new HashWorker('sha512');
  private drainWaiter: (() => void) | undefined;
  private drainLimit = 0;

  constructor() {
    const onAck = (): void => {
      if (this.drainWaiter !== undefined && (this.failed() || this.bytesInFlight <= this.drainLimit)) {
        const w = this.drainWaiter;
        this.drainWaiter = undefined;
        w();
      }
    };
    this.md5.onAck = onAck;
    this.sha.onAck = onAck;
  }

  get bytesInFlight(): number {
    return Math.max(this.md5.inFlight, this.sha.inFlight);
  }

  update(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    // The caller's buffer is reused: each worker gets its own copy, transferred (not cloned).
    this.md5.send(new Uint8Array(chunk));
    this.sha.send(new Uint8Array(chunk));
  }

  /** Digests of everything since the last digest(); resets for the next sequence. */
  async digest(): Promise<Digests> {
    const [md5, ga4gh] = await Promise.all([this.md5.digest(), this.sha.digest()]);
    return { md5, ga4gh };
  }

  /** Resolves once at most `limit` bytes are still waiting to be hashed. */
  async drain(limit: number): Promise<void> {
    if (this.bytesInFlight > limit && !this.failed()) {
      this.drainLimit = limit;
      await new Promise<void>((resolve) => { this.drainWaiter = resolve; });
    }
    const failure = this.md5.failure ?? this.sha.failure;
    if (failure) throw failure;
  }

  async close(): Promise<void> {
    await Promise.all([this.md5.worker.terminate(), this.sha.worker.terminate()]);
  }

  private failed(): boolean {
    return this.md5.failure !== undefined || this.sha.failure !== undefined;
  }
}
