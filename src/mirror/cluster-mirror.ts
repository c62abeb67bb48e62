// Under `serve --workers N` the cluster primary runs the one Mirror and the workers ask it over
// the cluster channel: concurrent misses for one id in different workers then share one fetch,
// the store has one mirror writer, and downloading and storing a chromosome runs on the primary's
// event loop rather than on a worker's that is serving requests.
import cluster from 'node:cluster';
import type { DigestId } from './upstream-fetch.js';
import type { FillOutcome, Mirror } from './mirror.js';

const FILL = 'refget:mirror-fill';
const FILLED = 'refget:mirror-filled';

/** What the server's routes need of a mirror: a Mirror itself, or a worker's RemoteMirror. */
export interface MirrorClient {
  readonly upstreams: readonly string[];
  fill(id: DigestId): Promise<FillOutcome>;
}

interface FillMessage {
  type: typeof FILL;
  seq: number;
  id: DigestId;
}
interface FilledMessage {
  type: typeof FILLED;
  seq: number;
  outcome: FillOutcome;
}

/** A worker's handle on the primary's Mirror. */
export class RemoteMirror implements MirrorClient {
  private nextSeq = 0;
  private readonly waiting = new Map<number, (outcome: FillOutcome) => void>();

  constructor(readonly upstreams: readonly string[]) {
    process.on('message', (msg: Partial<FilledMessage>) => {
      if (msg?.type !== FILLED || typeof msg.seq !== 'number' || msg.outcome === undefined) return;
      const resolve = this.waiting.get(msg.seq);
      this.waiting.delete(msg.seq);
      resolve?.(msg.outcome);
    });
  }

  fill(id: DigestId): Promise<FillOutcome> {
    const seq = this.nextSeq++;
    return new Promise((resolve) => {
      this.waiting.set(seq, resolve);
      process.send?.({ type: FILL, seq, id } satisfies FillMessage);
    });
  }
}

/** In the primary: answers the workers' fill requests from `mirror`. */
export function serveMirrorToWorkers(mirror: Mirror, log: (message: string) => void): void {
  cluster.on('message', (worker, msg: Partial<FillMessage>) => {
    if (msg?.type !== FILL || typeof msg.seq !== 'number' || msg.id === undefined) return;
    const seq = msg.seq;
    const reply = (outcome: FillOutcome): void => {
      if (worker.isConnected()) worker.send({ type: FILLED, seq, outcome } satisfies FilledMessage);
    };
    mirror.fill(msg.id).then(reply, (err: unknown) => {
      log(`mirror fill failed: ${(err as Error).message}`);
      reply({
        result: 'failed',
        via: 'fetch',
        attempts: [],
        error: { code: 'UPSTREAM_FAILED', message: 'the mirror could not store the sequence' },
      });
    });
  });
}
