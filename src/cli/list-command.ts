// `refget list`: one TSV row per stored sequence.
import type { Writable } from 'node:stream';
import { SequenceStore } from '../store/sequence-store.js';

export function runList(storeDir: string, out: Writable): void {
  const store = SequenceStore.open(storeDir);
  try {
    out.write('names\tlength\tmd5\tga4gh\tcircular\n');
    for (const record of store.allSequences()) {
      const names = store.recordNames(record.rowId).join(',');
      out.write(`${names}\t${record.length}\t${record.md5}\tSQ.${record.ga4gh}\t${record.circular}\n`);
    }
  } finally {
    store.close();
  }
}
