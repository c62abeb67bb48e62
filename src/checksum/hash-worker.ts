// The worker thread behind StreamingDigester: hashes the chunks the main thread places in
// shared slots, one digest per worker (workerData says which), and answers each with an ack.
import { parentPort, workerData } from 'node:worker_threads';
import { createHash, type BinaryToTextEncoding } from 'node:crypto';

export interface HashWorkerData {
  readonly algorithm: string;
  readonly encoding: BinaryToTextEncoding;
  /** characters of the encoded digest to keep (sha512t24u: 32 of base64url, i.e. 24 bytes) */
  readonly chars: number;
}

export type ToHashWorker =
  | { readonly type: 'slot'; readonly slot: number; readonly memory: SharedArrayBuffer }
  | { readonly type: 'data'; readonly slot: number; readonly length: number }
  | { readonly type: 'end' };

export type FromHashWorker = { type: 'ack'; slot: number; length: number } | { type: 'digest'; value: string };

if (parentPort !== null) {
  const port = parentPort;
  const { algorithm, encoding, chars } = workerData as HashWorkerData;
  const slots: Uint8Array[] = [];
  let hash = createHash(algorithm);
  const reply = (msg: FromHashWorker): void => port.postMessage(msg);
  port.on('message', (msg: ToHashWorker) => {
    if (msg.type === 'data') {
      hash.update(slots[msg.slot]!.subarray(0, msg.length));
      reply({ type: 'ack', slot: msg.slot, length: msg.length });
    } else if (msg.type === 'slot') {
      slots[msg.slot] = new Uint8Array(msg.memory);
    } else {
      const value = hash.digest(encoding).slice(0, chars);
      hash = createHash(algorithm);
      reply({ type: 'digest', value });
    }
  });
}
