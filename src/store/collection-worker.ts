// The collection worker thread: level-2 bodies and comparisons of large collections, each of
// which keeps SQLite busy for up to seconds, run here on the thread's own read-only connection so
// the server's event loop keeps answering everyone else. Jobs arrive from CollectionJobs
// (collection-jobs.ts); level-2 text goes back one chunk per `pull`, so a slow client holds at
// most a chunk in flight. Several level-2 cursors may be open at once; a comparison runs to its end.
import { parentPort, workerData } from 'node:worker_threads';
import { openIndexDb } from './index/database.js';
import { CollectionComparer, type ElementComparisons, type Level2Attribute } from './collection-compare.js';
import { Level2Reader } from './collection-level2.js';

export interface CollectionWorkerData {
  readonly indexPath: string;
}

export type ToCollectionWorker =
  | { readonly type: 'compare'; readonly job: number; readonly a: number; readonly b: number }
  | {
      readonly type: 'comparePosted';
      readonly job: number;
      readonly a: number;
      readonly posted: Partial<Record<Level2Attribute, readonly unknown[]>>;
    }
  | { readonly type: 'level2'; readonly job: number; readonly collection: number; readonly attribute?: Level2Attribute }
  | { readonly type: 'pull'; readonly job: number }
  | { readonly type: 'cancel'; readonly job: number };

export type FromCollectionWorker =
  | { type: 'result'; job: number; value: ElementComparisons }
  | { type: 'chunk'; job: number; text: string }
  | { type: 'end'; job: number }
  | { type: 'error'; job: number; code: string | undefined; message: string };

if (parentPort !== null) {
  const port = parentPort;
  const { indexPath } = workerData as CollectionWorkerData;
  const db = openIndexDb(indexPath, { readonly: true });
  // Comparison work tables and sorts spill to disk, not memory.
  db.pragma('temp_store = FILE');
  const comparer = new CollectionComparer(db);
  const reader = new Level2Reader(db);
  const streams = new Map<number, Generator<string, void, undefined>>();
  const reply = (msg: FromCollectionWorker): void => port.postMessage(msg);
  const fail = (job: number, err: unknown): void => {
    const e = err as { code?: unknown; message?: unknown };
    reply({ type: 'error', job, code: typeof e.code === 'string' ? e.code : undefined, message: String(e.message ?? err) });
  };

  port.on('message', (msg: ToCollectionWorker) => {
    try {
      switch (msg.type) {
        case 'compare':
          reply({ type: 'result', job: msg.job, value: comparer.compareStored(msg.a, msg.b) });
          break;
        case 'comparePosted':
          reply({ type: 'result', job: msg.job, value: comparer.comparePosted(msg.a, msg.posted) });
          break;
        case 'level2':
          streams.set(msg.job, reader.chunks(msg.collection, msg.attribute));
          break;
        case 'pull': {
          const stream = streams.get(msg.job);
          if (stream === undefined) break;
          const next = stream.next();
          if (next.done === true) {
            streams.delete(msg.job);
            reply({ type: 'end', job: msg.job });
          } else {
            reply({ type: 'chunk', job: msg.job, text: next.value });
          }
          break;
        }
        case 'cancel':
          streams.get(msg.job)?.return();
          streams.delete(msg.job);
          break;
      }
    } catch (err) {
      streams.get(msg.job)?.return();
      streams.delete(msg.job);
      fail(msg.job, err);
    }
  });
}
