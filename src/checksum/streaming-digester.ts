// MD5 and SHA-512 of a long sequence on worker threads, one per digest, so that hashing (the
// slowest part of ingest) runs beside the main thread's parsing and packing. Since parsing and
// packing moved to WebAssembly (scan-body, pack-acgt) the main thread is the lightest of the
// three; measured on these 2-core machines, one worker per digest then beat one worker for both
// (250 Mbp, four runs each: 0.86-1.02 s against 1.08-1.22 s). Each chunk is copied once, into a
// slot of shared memory that both workers read; the slot is reused when both have hashed it. A
// bounded number of bytes may be in flight, and callers await drain().
import { Worker } from 'node:worker_threads';
import type { FromHashWorker, HashWorkerData, ToHashWorker } from './hash-worker.js';

// The worker's own module: hash-worker.js in dist/. Running from src/ (tests and scripts under
// tsx), it is hash-worker.ts, and Node 20 does not pass tsx's loader on to worker threads: a
// one-line bootstrap registers it there first.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(`./hash-worker${FROM_SOURCE ? '.ts' : '.js'}`, import.meta.url);
const startWorker = (workerData: HashWorkerData): Worker =>
  FROM_SOURCE
    ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`, {
        eval: true,
        workerData,
      })
    : new Worker(WORKER_URL, { workerData });

export interface Digests {
  readonly md5: string;
  /** sha512t24u, without 'SQ.' */
  readonly ga4gh: string;
}

const MD5: HashWorkerData = { algorithm: 'md5', encoding: 'hex', chars: 32 };
const SHA512T24U: HashWorkerData = { algorithm: 'sha512', encoding: 'base64url', chars: 32 };

/** Size of a shared slot; longer chunks are split over several. */
const SLOT_BYTES = 1 << 20;

/** One hashing worker: its digest and the bytes it has yet to hash. */
class HashWorker {
  readonly worker: Worker;
  inFlight = 0;
  readonly digestWaiters: { resolve: (d: string) => void; reject: (e: Error) => void }[] = [];

  constructor(digest: HashWorkerData, onAck: (slot: number, length: number) => void, onError: (err: Error) => void) {
    this.worker = startWorker(digest);
    this.worker.on('message', (msg: FromHashWorker) => {
      if (msg.type === 'ack') {
        this.inFlight -= msg.length;
        onAck(msg.slot, msg.length);
      } else {
        this.digestWaiters.shift()?.resolve(msg.value);
      }
    });
    this.worker.on('error', (err) => {
      for (const w of this.digestWaiters.splice(0)) w.reject(err);
      onError(err);
    });
  }

  send(msg: ToHashWorker): void {
    this.worker.postMessage(msg);
  }

  digest(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.digestWaiters.push({ resolve, reject });
      this.send({ type: 'end' });
    });
  }
}

export class StreamingDigester {
  /** Started on first use: an ingest of short records (hashed on the main thread) never needs them. */
  private pair: { md5: HashWorker; sha512: HashWorker } | undefined;
  private workers: readonly HashWorker[] = [];
  private readonly start: () => { md5: HashWorker; sha512: HashWorker };
  /** Shared slots (views), how many workers have yet to hash each, and the free ones. */
  private readonly slots: Uint8Array[] = [];
  private readonly readers: number[] = [];
  private readonly free: number[] = [];
  private failure: Error | undefined;
  private drainWaiter: (() => void) | undefined;
  private drainLimit = 0;

  constructor() {
    const onAck = (slot: number): void => {
      if (--this.readers[slot]! === 0) this.free.push(slot);
      if (this.bytesInFlight <= this.drainLimit) this.wakeDrain();
    };
    const onError = (err: Error): void => {
      this.failure = err;
      this.wakeDrain();
    };
    // Two worker threads cost ~20 MB of RSS: 1,000,000 short records peaked at 227 MB with them
    // started and never used.
    this.start = () => ({ md5: new HashWorker(MD5, onAck, onError), sha512: new HashWorker(SHA512T24U, onAck, onError) });
  }

  private started(): { md5: HashWorker; sha512: HashWorker } {
    if (this.pair === undefined) {
      this.pair = this.start();
      this.workers = [this.pair.md5, this.pair.sha512];
    }
    return this.pair;
  }

  /** Worker threads running (0 until the first update or digest). */
  get threads(): number {
    return this.workers.length;
  }

  /** Bytes handed over and not yet hashed (by the slowest worker). */
  get bytesInFlight(): number {
    let n = 0;
    for (const w of this.workers) n = Math.max(n, w.inFlight);
    return n;
  }

  update(chunk: Uint8Array): void {
    this.started();
    for (let at = 0; at < chunk.length; at += SLOT_BYTES) {
      const piece = chunk.subarray(at, at + SLOT_BYTES);
      const slot = this.free.pop() ?? this.addSlot();
      this.slots[slot]!.set(piece);
      this.readers[slot] = this.workers.length;
      for (const w of this.workers) {
        w.inFlight += piece.length;
        w.send({ type: 'data', slot, length: piece.length });
      }
    }
  }

  /** A new slot, known to both workers before any data names it (messages arrive in order). */
  private addSlot(): number {
    const memory = new SharedArrayBuffer(SLOT_BYTES);
    const slot = this.slots.push(new Uint8Array(memory)) - 1;
    this.readers.push(0);
    for (const w of this.workers) w.send({ type: 'slot', slot, memory });
    return slot;
  }

  /** Digests of everything since the last digest(); resets for the next sequence. */
  async digest(): Promise<Digests> {
    if (this.failure) throw this.failure;
    const { md5: md5Worker, sha512 } = this.started();
    const [md5, ga4gh] = await Promise.all([md5Worker.digest(), sha512.digest()]);
    return { md5, ga4gh };
  }

  /** Resolves once at most `limit` bytes are still waiting to be hashed. */
  async drain(limit: number): Promise<void> {
    if (this.bytesInFlight > limit && this.failure === undefined) {
      this.drainLimit = limit;
      await new Promise<void>((resolve) => {
        this.drainWaiter = resolve;
      });
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
