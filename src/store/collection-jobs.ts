// The server's side of the collection worker (collection-worker.ts): starts the thread on first
// use, numbers jobs, turns answers into promises and streams, and bounds how many heavy jobs a
// server process takes at once (past the bound: OVERLOADED, which the client may retry).
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { AppError } from '../errors.js';
import type { ElementComparisons, Level2Attribute } from './collection-compare.js';
import type { CollectionWorkerData, FromCollectionWorker, ToCollectionWorker } from './collection-worker.js';
import { LEVEL2_CHUNK_CHARS } from './collection-level2.js';

// The worker's own module: collection-worker.js in dist/. Running from src/ (tests under tsx),
// Node 20 does not pass tsx's loader on to worker threads: a one-line bootstrap registers it.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(`./collection-worker${FROM_SOURCE ? '.ts' : '.js'}`, import.meta.url);
const startWorker = (workerData: CollectionWorkerData): Worker =>
  FROM_SOURCE
    ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`, {
        eval: true,
        workerData,
      })
    : new Worker(WORKER_URL, { workerData });

/** Heavy jobs (comparisons queued or running, level-2 bodies being sent) one process takes at once. */
export const MAX_COLLECTION_JOBS = 16;

/** An error from the worker, carrying SQLite's code so SQLITE_CORRUPT still reads as damage. */
const workerError = (code: string | undefined, message: string): Error => Object.assign(new Error(message), { code });

interface Pending {
  onMessage(msg: FromCollectionWorker): void;
  onFailure(err: Error): void;
}

export class CollectionJobs {
  private readonly indexPath: string;
  private worker: Worker | undefined;
  private nextJob = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(indexPath: string) {
    this.indexPath = indexPath;
  }

  /** Jobs in progress (for tests and /metrics). */
  get active(): number {
    return this.pending.size;
  }

  compare(a: number, b: number): Promise<ElementComparisons> {
    return this.request((job) => ({ type: 'compare', job, a, b }));
  }

  comparePosted(a: number, posted: Partial<Record<Level2Attribute, readonly unknown[]>>): Promise<ElementComparisons> {
    return this.request((job) => ({ type: 'comparePosted', job, a, posted }));
  }

  /**
   * The level-2 JSON of a collection (or one attribute's array) as a stream of text chunks,
   * each read from the worker only when the stream wants more. Resolves once the first chunk is
   * there, so an error on the first query is still a normal error response.
   */
  async level2(collection: number, attribute?: Level2Attribute): Promise<Readable> {
    const job = this.begin();
    let wanted = false;
    let ended = false;
    let first: { resolve: () => void; reject: (err: Error) => void } | undefined;
    const firstChunk = new Promise<void>((resolve, reject) => (first = { resolve, reject }));
    const stream = new Readable({
      encoding: 'utf8',
      // Room for a few chunks, so the worker reads the next one while the last is being sent.
      highWaterMark: 4 * LEVEL2_CHUNK_CHARS,
      read: () => {
        if (!wanted && !ended) {
          wanted = true;
          this.send({ type: 'pull', job });
        }
      },
      destroy: (err, callback) => {
        if (this.pending.delete(job) && !ended) this.send({ type: 'cancel', job });
        callback(err);
      },
    });
    this.pending.set(job, {
      onMessage: (msg) => {
        wanted = false;
        if (msg.type === 'chunk') {
          stream.push(msg.text);
          first?.resolve();
        } else if (msg.type === 'end') {
          ended = true;
          this.pending.delete(job);
          stream.push(null);
          first?.resolve();
        } else if (msg.type === 'error') {
          ended = true;
          const err = workerError(msg.code, msg.message);
          first?.reject(err);
          stream.destroy(err);
        }
        first = undefined;
      },
      onFailure: (err) => {
        ended = true;
        first?.reject(err);
        first = undefined;
        stream.destroy(err);
      },
    });
    this.send({ type: 'level2', job, collection, ...(attribute === undefined ? {} : { attribute }) });
    wanted = true;
    this.send({ type: 'pull', job });
    try {
      await firstChunk;
    } catch (err) {
      stream.destroy();
      throw err;
    }
    return stream;
  }

  /** Stops the worker; jobs in progress fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) await worker.terminate();
  }

  private begin(): number {
    if (this.pending.size >= MAX_COLLECTION_JOBS) {
      throw new AppError(
        'OVERLOADED',
        `the server is already computing ${MAX_COLLECTION_JOBS} large collection answers; retry later`,
      );
    }
    return this.nextJob++;
  }

  private request(message: (job: number) => ToCollectionWorker): Promise<ElementComparisons> {
    const job = this.begin();
    return new Promise((resolve, reject) => {
      this.pending.set(job, {
        onMessage: (msg) => {
          this.pending.delete(job);
          if (msg.type === 'result') resolve(msg.value);
          else if (msg.type === 'error') reject(workerError(msg.code, msg.message));
          else reject(new Error(`collection worker answered a comparison with '${msg.type}'`));
        },
        onFailure: (err) => {
          this.pending.delete(job);
          reject(err);
        },
      });
      this.send(message(job));
    });
  }

  private send(msg: ToCollectionWorker): void {
    this.workerOrStart().postMessage(msg);
  }

  private workerOrStart(): Worker {
    if (this.worker !== undefined) return this.worker;
    const worker = startWorker({ indexPath: this.indexPath });
    // A job in progress must not keep a stopping server alive; the worker is idle otherwise.
    worker.unref();
    worker.on('message', (msg: FromCollectionWorker) => this.pending.get(msg.job)?.onMessage(msg));
    const failAll = (err: Error): void => {
      if (this.worker === worker) this.worker = undefined;
      for (const p of [...this.pending.values()]) p.onFailure(err);
      this.pending.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`the collection worker stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
}
