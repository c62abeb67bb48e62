// After an ingest commits, its pages are folded into the index and the WAL is cut to zero bytes,
// even while a server holds the store open (SQLite would otherwise leave the WAL until the last
// connection closes).
import t from 'tap';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runIngest } from '../../src/cli/ingest-command.js';
import { SequenceStore } from '../../src/store/sequence-store.js';
import { indexPath } from '../../src/store/layout.js';
import { tempDir } from '../helpers/sample-store.js';

t.test('the WAL is empty after a commit while a reader is open', async (t) => {
  const dir = tempDir(t);
  const store = join(dir, 'store');
  writeFileSync(join(dir, 'one.fa'), '>one\nACGT\n');
  await runIngest([join(dir, 'one.fa')], { store });
  const reader = SequenceStore.open(store); // a running server
  t.teardown(() => reader.close());
  t.equal(reader.lookup({ kind: 'md5', md5: 'f1f8f4bf413b16ad135722aa4591043e' }).length, 1, 'the reader sees the first ingest');
  const records = Array.from(
    { length: 3000 },
    (_, i) => `>r${i}\n${'ACGT'.repeat(1 + (i % 50))}T${i.toString(4).replace(/[0-3]/g, (d) => 'ACGT'[Number(d)]!)}\n`,
  );
  writeFileSync(join(dir, 'many.fa'), records.join(''));
  await runIngest([join(dir, 'many.fa')], { store });
  t.equal(statSync(`${indexPath(store)}-wal`).size, 0, 'WAL cut to 0 bytes');
  t.equal(reader.stats().sequences, 3001, 'the reader sees both ingests');
});
