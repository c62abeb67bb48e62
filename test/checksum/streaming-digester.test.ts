// StreamingDigester: MD5 and sha512t24u hashed on two workers from shared slots must equal the
// one-shot digests of the same bytes, whatever the chunk sizes (including chunks spanning
// several slots), across consecutive sequences, and while slots are recycled under drain().
import t from 'tap';
import { createHash } from 'node:crypto';
import { rng } from '../../scripts/reliability/lib/common.js';
import { StreamingDigester } from '../../src/checksum/streaming-digester.js';

const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');
const ga4gh = (b: Uint8Array): string => createHash('sha512').update(b).digest().subarray(0, 24).toString('base64url');

const SEED = 20261203;
const rand = rng(SEED);
const seededBytes = (n: number): Buffer => {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i += 4) b.writeUInt32LE(Math.floor(rand() * 2 ** 32), i);
  return b;
};

t.test(`chunked digests equal one-shot digests, sequence after sequence (seed ${SEED})`, async (t) => {
  const digester = new StreamingDigester();
  t.teardown(() => digester.close());
  // 0: empty; 1: one byte; 2: 5 MiB in chunks of up to 2.5 MiB (several slots each);
  // 3: 40 MiB in 1 MiB chunks, draining to 2 MiB so slots are reused many times.
  const cases: { bytes: Buffer; chunk: () => number; drain?: number }[] = [
    { bytes: Buffer.alloc(0), chunk: () => 1 },
    { bytes: Buffer.from('A'), chunk: () => 1 },
    { bytes: seededBytes(5 << 20), chunk: () => 1 + Math.floor(rand() * (5 << 19)) },
    { bytes: seededBytes(40 << 20), chunk: () => 1 << 20, drain: 2 << 20 },
  ];
  for (const [i, c] of cases.entries()) {
    for (let at = 0; at < c.bytes.length;) {
      const n = c.chunk();
      const piece = Buffer.from(c.bytes.subarray(at, at + n));
      digester.update(piece);
      piece.fill(0); // the caller reuses its buffer at once: the digester must have copied it
      at += n;
      if (c.drain !== undefined) await digester.drain(c.drain);
    }
    t.same(await digester.digest(), { md5: md5(c.bytes), ga4gh: ga4gh(c.bytes) }, `case ${i}: ${c.bytes.length} bytes`);
  }
  t.equal(digester.bytesInFlight, 0, 'nothing left in flight after the digests');
});

t.test('no worker thread until there is something to hash', async (t) => {
  const digester = new StreamingDigester();
  t.teardown(() => digester.close());
  t.equal(digester.threads, 0, 'none at first (an ingest of short records never needs them)');
  await digester.drain(0);
  t.equal(digester.threads, 0, 'draining nothing starts none');
  digester.update(Buffer.from('ACGT'));
  t.equal(digester.threads, 2, 'one per digest once bytes arrive');
  t.same(await digester.digest(), { md5: md5(Buffer.from('ACGT')), ga4gh: ga4gh(Buffer.from('ACGT')) });
});
