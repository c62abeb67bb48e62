// PackWriter gathers small writes in memory: the file must still hold exactly the bytes written,
// in order, after any mix of small and large writes, truncates and reads; and nothing unsynced
// may count.
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PackWriter } from '../../src/store/pack/pack-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'pack-writer-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

function bytes(length: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

t.test('mixed small and large writes, truncates and reads give the concatenation', async (t) => {
  const path = join(dir, 'mixed.pack');
  const pack = new PackWriter(1, path, 0);
  const expected: Buffer[] = [];
  let x = 7;
  // Sizes straddle the direct-write threshold (64 KiB) and fill the 1 MiB gather buffer many times.
  for (let i = 0; i < 400; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const size = i % 37 === 0 ? 64 * 1024 + (x >>> 20) : i % 11 === 0 ? 65535 : (x >>> 22) + 1;
    const data = bytes(size, i);
    pack.write(data);
    data.fill(0); // the caller may reuse its buffer at once
    expected.push(bytes(size, i));
    t.equal(pack.position, Buffer.concat(expected).length);
    if (i % 50 === 25) {
      // Read back what was just written (as the raw transcode does), gathered or not.
      const all = Buffer.concat(expected);
      const from = Math.max(0, all.length - size - 100);
      t.same(pack.readAt(from, all.length - from), all.subarray(from), `read back at write ${i}`);
    }
    if (i % 60 === 59) {
      // Drop the last record (a duplicate), whether it is still gathered or already on disk.
      const dropped = expected.pop()!;
      pack.truncate(pack.position - dropped.length);
    }
  }
  pack.sync();
  pack.close();
  t.same(readFileSync(path), Buffer.concat(expected));
});

t.test('bytes gathered but not synced are not left in the file by close', async (t) => {
  const path = join(dir, 'unsynced.pack');
  const pack = new PackWriter(1, path, 0);
  pack.write(bytes(1000, 1));
  pack.sync();
  pack.write(bytes(500, 2));
  pack.close();
  t.equal(statSync(path).size, 1000);
  t.same(readFileSync(path), bytes(1000, 1));
});

t.test('a reopened pack appends after its committed size and cuts what lies past it', async (t) => {
  const path = join(dir, 'reopen.pack');
  const first = new PackWriter(1, path, 0);
  first.write(bytes(300, 3));
  first.write(bytes(70_000, 4));
  first.sync();
  first.close();
  const second = new PackWriter(1, path, 300);
  t.equal(second.position, 300);
  second.write(bytes(10, 5));
  second.sync();
  second.close();
  t.same(readFileSync(path), Buffer.concat([bytes(300, 3), bytes(10, 5)]));
});

t.test('syncInBackground writes out gathered bytes; writing, truncating and sync() go on after it', async (t) => {
  const path = join(dir, 'background.pack');
  const pack = new PackWriter(1, path, 0);
  pack.write(bytes(1000, 1)); // small: gathered in memory, not yet in the file
  t.equal(statSync(path).size, 0, 'gathered, not written');
  await pack.syncInBackground();
  t.ok(readFileSync(path).equals(bytes(1000, 1)), 'in the file after the background sync');
  pack.write(bytes(500, 2));
  pack.truncate(1200);
  pack.sync();
  t.ok(readFileSync(path).equals(Buffer.concat([bytes(1000, 1), bytes(200, 2)])), 'later writes and a truncate land as usual');
  pack.close();
  // fdatasync fails on a character device (EINVAL): the error reaches the caller.
  const device = new PackWriter(2, '/dev/null', 0);
  device.write(bytes(10, 3));
  await t.rejects(device.syncInBackground(), { code: 'EINVAL' }, 'a failed background sync rejects');
  device.close();
});
