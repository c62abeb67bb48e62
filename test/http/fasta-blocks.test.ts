// FASTA bodies written as blocks (FastaBlockReader): for every block size from tiny to large,
// across the seam between two ranges (the halves of a circular wrap), the bytes equal the header
// followed by the bases cut into 60-column lines, each ending in a newline, as built here.
import t from 'tap';
import { FastaBlockReader, MIN_FASTA_BLOCK, fastaLength } from '../../src/http/fasta-format.js';
import { concatBlockReaders } from '../../src/http/send-blocks.js';
import type { BlockReader } from '../../src/store/sequence-store.js';

/** A BlockReader over bytes in memory, handing out at most `step` bases per read. */
function memoryReader(bytes: Buffer, step = Infinity): BlockReader {
  let pos = 0;
  return {
    read: async (target) => {
      const n = Math.min(target.length, bytes.length - pos, step);
      bytes.copy(target, 0, pos, pos + n);
      pos += n;
      return n;
    },
  };
}

/** The expected FASTA, built line by line from strings (independent of the reader's arithmetic). */
function expectedFasta(header: string, bases: string): string {
  const lines: string[] = [];
  for (let i = 0; i < bases.length; i += 60) lines.push(bases.slice(i, i + 60));
  return header + lines.map((l) => `${l}\n`).join('');
}

async function drain(reader: BlockReader, blockSize: number): Promise<string> {
  const parts: string[] = [];
  const target = Buffer.alloc(blockSize);
  for (;;) {
    target.fill(0x3f); // '?': a byte the reader did not write would show
    const n = await reader.read(target);
    if (n === 0) return parts.join('');
    parts.push(target.toString('latin1', 0, n));
  }
}

const letters = (n: number, seed: number): string => {
  let x = seed;
  let s = '';
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    s += 'ACGTN'[(x >>> 24) % 5];
  }
  return s;
};

t.test('every block size gives the same FASTA, also across two ranges', async (t) => {
  const header = '>SQ.abc md5:0123 ucsc:chrX\n';
  for (const [a, b] of [
    [0, 0],
    [1, 0],
    [59, 0],
    [60, 0],
    [61, 0],
    [119, 1],
    [1000, 333],
    [4321, 60],
    [0, 125],
  ] as const) {
    const first = letters(a, a + 1);
    const second = letters(b, b + 7);
    const expected = expectedFasta(header, first + second);
    t.equal(expected.length, header.length + fastaLength(a + b), `[${a}, ${b}]: fastaLength agrees with the line rule`);
    for (const blockSize of [MIN_FASTA_BLOCK, MIN_FASTA_BLOCK + 1, 31, 61, 62, 63, 64, 100, 121, 122, 1000, 1 << 16]) {
      for (const step of [Infinity, 7]) {
        const reader = new FastaBlockReader(
          header,
          concatBlockReaders([
            memoryReader(Buffer.from(first, 'latin1'), step),
            memoryReader(Buffer.from(second, 'latin1'), step),
          ]),
        );
        const got = await drain(reader, blockSize);
        if (got !== expected) {
          t.fail(`[${a}, ${b}] block ${blockSize} step ${step}`, { got: got.slice(0, 200), expected: expected.slice(0, 200) });
          return;
        }
      }
    }
    t.pass(`[${a}, ${b}] bases: every block size and read step`);
  }
});

t.test('a block too small to make progress is refused, not taken for the end', async (t) => {
  const reader = new FastaBlockReader('>x\n', memoryReader(Buffer.from('ACGT')));
  await t.rejects(reader.read(Buffer.alloc(MIN_FASTA_BLOCK - 1)), RangeError);
});
