// The three WebAssembly modules against plain-JS reference implementations written here from
// their documented contracts, on seeded random input (the seed is in each test's name).
import t from 'tap';
import { TwoBitUnpacker, UNPACK_WINDOW } from '../../src/store/codec/unpack-twobit.js';
import { AcgtPacker, PACK_WINDOW } from '../../src/store/codec/pack-acgt.js';
import { BodyScanner } from '../../src/fasta/scan-body.js';
import { rng } from '../../scripts/reliability/lib/common.js';

const SEED = 20261203;
const ACGT = 'ACGT';

/** Reference 2-bit decoding: A=0 C=1 G=2 T=3, the first of a byte's four bases in its high bits. */
function referenceUnpack(packed: Uint8Array, head: number, length: number): string {
  let out = '';
  for (let p = head; p < head + length; p++) out += ACGT[(packed[p >> 2]! >> (6 - 2 * (p & 3))) & 3];
  return out;
}

t.test(`unpack-twobit equals the reference decoder (seed ${SEED})`, async (t) => {
  const rand = rng(SEED);
  const unpacker = new TwoBitUnpacker();
  const packed = new Uint8Array(2 * UNPACK_WINDOW + 77).map(() => Math.floor(rand() * 256));
  let cases = 0;
  let wrong = 0;
  const lengths = [0, 1, 3, 4, 5, 63, 64, 65, 4 * UNPACK_WINDOW - 1, 4 * UNPACK_WINDOW + 9];
  for (let k = 0; k < 200; k++) {
    const length = k < lengths.length ? lengths[k]! : Math.floor(rand() * 5000);
    const head = Math.floor(rand() * (4 * packed.length - length));
    const out = Buffer.alloc(length);
    unpacker.unpack(packed.subarray(head >> 2), head & 3, out);
    cases++;
    if (out.toString('latin1') !== referenceUnpack(packed, head, length)) wrong++;
  }
  t.equal(wrong, 0, `${cases} random windows decode as the reference`);
});

t.test(`pack-acgt equals the reference packer and stops at the first group with another letter (seed ${SEED})`, async (t) => {
  const rand = rng(SEED + 1);
  const packer = new AcgtPacker();
  let wrong = 0;
  for (let k = 0; k < 100; k++) {
    const n = 4 * (1 + Math.floor(rand() * (k < 3 ? PACK_WINDOW / 4 - 1 : 3000)));
    const bases = Buffer.alloc(n);
    for (let i = 0; i < n; i++) bases[i] = ACGT.charCodeAt(Math.floor(rand() * 4));
    // Half the cases hold one other letter somewhere (upper or lower case, N, IUPAC).
    if (k % 2 === 1) bases[Math.floor(rand() * n)] = 'NnacgtRYx'.charCodeAt(Math.floor(rand() * 9));
    const firstOther = bases.findIndex((b) => !ACGT.includes(String.fromCharCode(b)));
    const wantStop = firstOther === -1 ? n : firstOther - (firstOther % 4);
    const out = new Uint8Array(n / 4);
    packer.load(bases);
    const stop = packer.pack(0, n, out, 0);
    let want = '';
    let got = '';
    for (let g = 0; g < wantStop; g += 4) {
      want += String.fromCharCode(
        [...bases.subarray(g, g + 4)].reduce((b, c) => (b << 2) | ACGT.indexOf(String.fromCharCode(c)), 0),
      );
      got += String.fromCharCode(out[g >> 2]!);
    }
    if (stop !== wantStop || got !== want) wrong++;
  }
  t.equal(wrong, 0, '100 windows pack as the reference, stopping where the reference stops');
});

t.test(`scan-body equals the reference normaliser on bodies without headers (seed ${SEED})`, async (t) => {
  const rand = rng(SEED + 2);
  // classes: letters → upper case; LF → 1; space, tab, CR, digits → 0 (dropped); the rest → 2 (invalid)
  const classes = new Uint8Array(256).fill(2);
  for (let c = 65; c <= 90; c++) classes[c] = classes[c + 32] = c;
  for (const c of ' \t\r0123456789') classes[c.charCodeAt(0)] = 0;
  classes[10] = 1;
  const scanner = new BodyScanner(classes);
  const alphabet = 'ACGTacgtNnRy \t\r0123\n\n';
  let wrong = 0;
  for (let k = 0; k < 100; k++) {
    const n = 1 + Math.floor(rand() * 20_000);
    const src = Buffer.alloc(n);
    for (let i = 0; i < n; i++) src[i] = alphabet.charCodeAt(Math.floor(rand() * alphabet.length));
    if (src[0] === 10) src[0] = 65; // a leading line feed would end the record were the next byte '>'
    const bad = k % 3 === 2 ? Math.floor(rand() * n) : -1;
    if (bad >= 0) src[bad] = '*#@'.charCodeAt(k % 3);
    // The reference: every byte in order; stop at the first invalid one.
    let want = '';
    let lines = 0;
    let stopAt = n;
    for (let i = 0; i < n; i++) {
      const c = classes[src[i]!]!;
      if (c === 2) {
        stopAt = -1 - i;
        break;
      }
      if (c === 1) lines++;
      else if (c !== 0) want += String.fromCharCode(c);
    }
    scanner.begin(src);
    const r = scanner.scan(0, n, 0, 1);
    const got = scanner.output.subarray(0, scanner.outPos).toString('latin1');
    const ok = r === stopAt && (stopAt < 0 ? want.startsWith(got) : got === want && scanner.line === 1 + lines);
    if (!ok) wrong++;
  }
  t.equal(wrong, 0, '100 bodies (a third with an invalid byte) normalise as the reference');
});
