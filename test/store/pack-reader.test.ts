// Pack reads through the read-ahead window (what verify's scan uses) give exactly the bytes of the
// file at every position, across packs, at the end of a file and for reads larger than the
// window; a read past the end is the same CORRUPT_STORE error as without the window.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PackReader } from '../../src/store/pack/pack-reader.js';
import type { AppError } from '../../src/errors.js';
import { tempDir } from '../helpers/sample-store.js';
import { rng } from '../../scripts/reliability/lib/common.js';

const dir = tempDir(t);
const next = rng(424242);
const files = [0, 1].map((id) => {
  const bytes = Buffer.alloc(300_000 + id * 12_345);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(next() * 256);
  const path = join(dir, `pack-${id}`);
  writeFileSync(path, bytes);
  return { path, bytes };
});
const open = (readAheadBytes?: number): PackReader =>
  new PackReader((id) => files[id]!.path, readAheadBytes === undefined ? {} : { readAheadBytes });

t.test('windowed reads equal the file: in order, at random, across packs, at the end', async (t) => {
  const reader = open(64 * 1024);
  t.teardown(() => reader.close());
  let wrong = 0;
  let reads = 0;
  const check = (pack: number, position: number, length: number): void => {
    const target = Buffer.alloc(length);
    reader.readIntoSync(pack, position, target);
    reads++;
    if (!target.equals(files[pack]!.bytes.subarray(position, position + length))) wrong++;
  };
  // a scan in order, as verify reads
  for (let pos = 0; pos + 700 <= files[0]!.bytes.length; pos += 700) check(0, pos, 700);
  // random reads, switching packs, some larger than the window
  for (let i = 0; i < 3000; i++) {
    const pack = next() < 0.5 ? 0 : 1;
    const size = files[pack]!.bytes.length;
    const length = next() < 0.05 ? 70_000 + Math.floor(next() * 50_000) : 1 + Math.floor(next() * 5000);
    const position = Math.floor(next() * (size - length));
    check(pack, position, length);
  }
  for (const pack of [0, 1]) check(pack, files[pack]!.bytes.length - 10, 10); // the last bytes
  t.equal(wrong, 0, `all ${reads} reads returned the file's bytes`);
});

t.test('a read past the end fails as without the window, and the window still serves after it', async (t) => {
  for (const window of [undefined, 64 * 1024]) {
    const reader = open(window);
    t.teardown(() => reader.close());
    const size = files[1]!.bytes.length;
    const err = t.throws(() => reader.readIntoSync(1, size - 5, Buffer.alloc(10))) as AppError;
    t.equal(err.code, 'CORRUPT_STORE', `window ${window ?? 'none'}: ${err.message}`);
    t.match(err.message, /shorter than expected/);
    const target = Buffer.alloc(5);
    reader.readIntoSync(1, size - 5, target);
    t.same(target, files[1]!.bytes.subarray(size - 5), 'the last 5 bytes still read');
  }
});
