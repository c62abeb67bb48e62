// 2-bit codec: property-style round trips against the original text, every start/end near
// 4-base and exception-run boundaries, streaming chunking independence.
import t from 'tap';
import {
  TwoBitEncoder,
  decodeTwoBit,
  serialiseRuns,
  deserialiseRuns,
  packedSize,
  type ExceptionRuns,
} from '../../src/store/codec/twobit.js';
import { UNPACK_WINDOW } from '../../src/store/codec/unpack-twobit.js';

/** Small deterministic PRNG so failures reproduce (seed printed in the test name). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function randomSequence(rand: () => number, length: number): string {
  const out: string[] = [];
  while (out.length < length) {
    const r = rand();
    if (r < 0.05) out.push('N'.repeat(1 + Math.floor(rand() * 40)));
    else if (r < 0.08) out.push('RYKMSWBDHVU'[Math.floor(rand() * 11)]!);
    else out.push('ACGT'[Math.floor(rand() * 4)]!);
  }
  return out.join('').slice(0, length);
}

function encode(text: string, chunkSizes: () => number): { packed: Buffer; runs: ExceptionRuns } {
  const enc = new TwoBitEncoder();
  const parts: Buffer[] = [];
  const bytes = Buffer.from(text, 'latin1');
  for (let i = 0; i < bytes.length;) {
    const n = Math.max(1, chunkSizes());
    parts.push(enc.encode(bytes.subarray(i, i + n)));
    i += n;
  }
  const { tail, runs } = enc.finish();
  parts.push(tail);
  return { packed: Buffer.concat(parts), runs };
}

const decode = (packed: Buffer, runs: ExceptionRuns, s: number, e: number): string =>
  decodeTwoBit(packed.subarray(s >> 2), s, e, runs).toString('latin1');

t.test('random sequences round-trip whole and in random slices', async (t) => {
  for (let seed = 1; seed <= 40; seed++) {
    const rand = rng(seed);
    const text = randomSequence(rand, 1 + Math.floor(rand() * 3000));
    const { packed, runs } = encode(text, () => Math.floor(rand() * 700));
    t.equal(packed.length, packedSize(text.length), `seed ${seed}: packed size`);
    t.equal(decode(packed, runs, 0, text.length), text, `seed ${seed}: whole`);
    for (let k = 0; k < 50; k++) {
      const a = Math.floor(rand() * (text.length + 1));
      const b = Math.floor(rand() * (text.length + 1));
      const [s, e] = a <= b ? [a, b] : [b, a];
      if (decode(packed, runs, s, e) !== text.slice(s, e)) t.fail(`seed ${seed}: slice [${s},${e})`);
    }
  }
});

t.test('every start/end near 4-base and run boundaries', async (t) => {
  // Runs start and end at every residue mod 4, including at 0 and at the very end.
  const text = 'NACGTNNACGTRACGTACNNNNGTYYACGACGTTTTNN';
  const { packed, runs } = encode(text, () => 3);
  let bad = 0;
  for (let s = 0; s <= text.length; s++) {
    for (let e = s; e <= text.length; e++) {
      if (decode(packed, runs, s, e) !== text.slice(s, e)) bad++;
    }
  }
  t.equal(bad, 0, 'all (start, end) pairs decode to the slice');
  t.equal(runs.count, 6, 'N, NN, R, NNNN, YY, NN: adjacent equal letters merge into one run each');
});

t.test('chunking does not change the encoding', async (t) => {
  const text = randomSequence(rng(99), 5000);
  const one = encode(text, () => 1e9);
  for (const size of [1, 2, 3, 4, 5, 7, 64, 1023]) {
    const other = encode(text, () => size);
    t.ok(other.packed.equals(one.packed), `chunks of ${size}: same packed bytes`);
    t.same(serialiseRuns(other.runs), serialiseRuns(one.runs), `chunks of ${size}: same runs`);
  }
});

t.test('encodeInto a reused, dirty buffer gives the bytes encode() gives; a short buffer is refused', async (t) => {
  const text = Buffer.from(randomSequence(rng(5), 20_000) + 'ACGT'.repeat(2000), 'latin1');
  const want = encode(text.toString('latin1'), () => 777);
  const enc = new TwoBitEncoder();
  const reused = Buffer.alloc(4096, 0xff); // stale bytes everywhere: nothing may rely on zeroes
  const parts: Buffer[] = [];
  for (let i = 0; i < text.length; i += 777) {
    const n = enc.encodeInto(text.subarray(i, i + 777), reused);
    parts.push(Buffer.from(reused.subarray(0, n)));
    reused.fill(0xff);
  }
  const { tail, runs } = enc.finish();
  t.ok(Buffer.concat([...parts, tail]).equals(want.packed), 'same packed bytes');
  t.same(serialiseRuns(runs), serialiseRuns(want.runs), 'same runs');
  const fresh = new TwoBitEncoder();
  t.throws(() => fresh.encodeInto(Buffer.from('ACGTACGTA'), Buffer.alloc(2)), RangeError, 'output shorter than encodedBound');
});

t.test('exception table serialisation', async (t) => {
  const { runs } = encode('NNACGTRYNNNN', () => 5);
  const back = deserialiseRuns(serialiseRuns(runs), runs.count);
  t.same([...back.starts], [0, 6, 7, 8]);
  t.same([...back.lengths], [2, 1, 1, 4]);
  t.same(Buffer.from(back.letters).toString('latin1'), 'NRYN');
  t.throws(() => deserialiseRuns(Buffer.alloc(10), 1), RangeError, 'wrong size is refused');
});

t.test('decode refuses too few packed bytes', async (t) => {
  const { packed, runs } = encode('ACGTACGTAC', () => 10);
  t.throws(() => decodeTwoBit(packed.subarray(0, 1), 0, 10, runs), RangeError);
});

t.test('every four-letter word of A-Z round-trips; only all-ACGT words avoid exception runs', async (t) => {
  // The encoder tests four bases at a time with word arithmetic: check it against every word
  // a normalised sequence can contain (26^4), each at a group boundary.
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const words: string[] = [];
  for (const a of letters)
    for (const b of letters) for (const c of letters) for (const d of letters) words.push(a + b + c + d, 'ACGT');
  const text = words.join('');
  const { packed, runs } = encode(text, () => 1 << 16);
  t.equal(decode(packed, runs, 0, text.length), text, 'decoded text equals the input');
  // Bases outside A/C/G/T, counted independently of the encoder.
  const exceptionBases = [...text].filter((ch) => !'ACGT'.includes(ch)).length;
  t.equal(
    [...runs.lengths].reduce((n, l) => n + l, 0),
    exceptionBases,
    'runs cover exactly the non-ACGT bases',
  );
});

t.test('long plain runs pack as the 2-bit reference; a lone exception at any offset of a 64-base block', async (t) => {
  // The encoder packs 64 plain bases per step and falls back when a block holds another letter:
  // place single exceptions at every offset 0-63 (and every group phase) with long plain runs between.
  const rand = rng(7);
  const parts: string[] = [];
  for (let offset = 0; offset < 64; offset++) {
    let plain = '';
    for (let k = 0; k < 640 + offset; k++) plain += 'ACGT'[Math.floor(rand() * 4)]!;
    parts.push(plain, 'NRYKMSWBDHVU'[offset % 12]!);
  }
  const text = parts.join('') + 'ACGT'.repeat(100);
  const { packed, runs } = encode(text, () => 1 + Math.floor(rand() * 5000));
  t.equal(decode(packed, runs, 0, text.length), text, 'decoded text equals the input');
  t.equal(runs.count, 64, 'one run per lone exception');
  // Reference packing, written independently: A=0 C=1 G=2 T=3, first base in the high bits.
  // Every group of four plain bases must pack to exactly that byte.
  let mismatches = 0;
  let groups = 0;
  for (let g = 0; g + 4 <= text.length; g += 4) {
    const word = text.slice(g, g + 4);
    if (!/^[ACGT]{4}$/.test(word)) continue;
    groups++;
    const want = [...word].reduce((b, ch) => (b << 2) | 'ACGT'.indexOf(ch), 0);
    if (packed[g >> 2] !== want) mismatches++;
  }
  t.ok(groups > 10_000, `${groups} plain groups checked`);
  t.equal(mismatches, 0, 'plain groups equal the reference packing');
});

t.test('a chunk larger than the packing window encodes as in small chunks', async (t) => {
  const rand = rng(99);
  const text = randomSequence(rand, 3_000_003); // > 2 windows of 1 MiB, not a multiple of 4
  const once = encode(text, () => 1e9);
  const small = encode(text, () => 65_537);
  t.ok(once.packed.equals(small.packed), 'same packed bytes');
  t.same([...once.runs.starts], [...small.runs.starts], 'same exception runs');
  t.equal(decode(once.packed, once.runs, 0, text.length), text, 'decodes to the input');
  t.equal(decode(once.packed, once.runs, 1_048_570, 1_048_600), text.slice(1_048_570, 1_048_600), 'across the first window edge');
});

t.test('decoding ranges that cross the unpacking window edges gives the slices of the input', async (t) => {
  const rand = rng(7);
  const text = randomSequence(rand, 4 * UNPACK_WINDOW * 2 + 1_001); // more than two windows of bases
  const { packed, runs } = encode(text, () => 1e9);
  const edges = [4 * UNPACK_WINDOW, 8 * UNPACK_WINDOW];
  for (const edge of edges) {
    for (let s = edge - 5; s <= edge + 5; s++) {
      for (const e of [
        s,
        s + 1,
        edge,
        edge + 1,
        edge + 3,
        edge + 4,
        edge + 17,
        Math.min(text.length, s + 4 * UNPACK_WINDOW + 3),
      ]) {
        if (e < s || e > text.length) continue;
        t.equal(decode(packed, runs, s, e), text.slice(s, e), `[${s}, ${e})`);
      }
    }
  }
  t.equal(decode(packed, runs, 3, text.length), text.slice(3), 'from base 3 to the end');
});
