// Seeded inputs for the scale bench: two FASTA files of many short records that overlap the way
// two builds of one assembly do. A holds `n` records (a0…); B holds the same number: every other
// record of A (half of them renamed, pairs of them swapped in order) and as many new ones.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { rng } from './generate.js';

const BASES = 'ACGT';

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/** A random sequence of 80–120 bases, unique per (side, i) through its encoded suffix. */
function sequence(rand: () => number, side: number, i: number): string {
  let s = '';
  const len = 80 + Math.floor(rand() * 41);
  for (let k = 0; k < len; k++) s += BASES[Math.floor(rand() * 4)];
  return `${s}${BASES[side]}${i.toString(4).replace(/[0-3]/g, (d) => BASES[Number(d)]!)}`;
}

/** Writes A and B; returns nothing (their digests are computed by the bench from the store). */
export async function writeScaleFasta(aPath: string, bPath: string, n: number, seed: number): Promise<void> {
  const rand = rng(seed);
  const a = createWriteStream(aPath);
  const b = createWriteStream(bPath);
  let pending: string | undefined;
  for (let i = 0; i < n; i++) {
    const seqA = sequence(rand, 0, i);
    await write(a, `>a${i}\n${seqA}\n`);
    // B: record i is A's record i (even i; renamed when i % 4 == 2) or a new sequence (odd i).
    const recB = i % 2 === 0 ? `>${i % 4 === 2 ? 'b' : 'a'}${i}\n${seqA}\n` : `>b${i}\n${sequence(rand, 1, i)}\n`;
    // Every 10th pair of B's records is written in swapped order.
    if (i % 20 === 0) {
      pending = recB;
      continue;
    }
    await write(b, recB);
    if (pending !== undefined) {
      await write(b, pending);
      pending = undefined;
    }
  }
  if (pending !== undefined) await write(b, pending);
  a.end();
  b.end();
  await Promise.all([once(a, 'finish'), once(b, 'finish')]);
}
