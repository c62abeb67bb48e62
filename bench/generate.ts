// Reproducible benchmark inputs (seeded): a genome-like FASTA (one long record with N runs of
// 10 kb–1 Mb, 30–50 % soft-masked lowercase stretches, a few IUPAC codes, 60-column lines) and a
// protein FASTA of many records. Usage: tsx bench/generate.ts OUTDIR [--bases N] [--proteins N] [--seed S]
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Writable } from 'node:stream';

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

async function write(out: Writable, data: string | Buffer): Promise<void> {
  if (!out.write(data)) await once(out, 'drain');
}

const LINE = 60;
const BLOCK_LINES = 16384;

/** Writes one genome-like record of `bases` bases. */
export async function writeGenomeRecord(out: Writable, name: string, bases: number, rand: () => number): Promise<void> {
  await write(out, `>${name} generated genome-like sequence\n`);
  const upper = Buffer.from('ACGT');
  const lower = Buffer.from('acgt');
  const iupac = Buffer.from('RYKMSWBDHV');
  let pos = 0;
  let nextN = Math.floor(rand() * 20e6); // next N run
  let nEnd = -1;
  let maskEnd = 0;
  let unmaskEnd = Math.floor(rand() * 5000);
  const block = Buffer.allocUnsafe(BLOCK_LINES * (LINE + 1));
  while (pos < bases) {
    let o = 0;
    for (let l = 0; l < BLOCK_LINES && pos < bases; l++) {
      const lineEnd = Math.min(bases, pos + LINE);
      for (; pos < lineEnd; pos++) {
        if (pos === nextN) {
          nEnd = pos + 10_000 + Math.floor(rand() * 990_000);
          nextN = nEnd + Math.floor(rand() * 30e6);
        }
        if (pos < nEnd) {
          block[o++] = 0x4e;
          continue;
        }
        if (pos >= unmaskEnd && pos >= maskEnd) {
          // alternate unmasked and soft-masked stretches, ~40 % masked on average
          maskEnd = pos + 200 + Math.floor(rand() * 3000);
          unmaskEnd = maskEnd + 300 + Math.floor(rand() * 4500);
        }
        const r = rand();
        if (r < 2e-6) {
          block[o++] = iupac[Math.floor(rand() * 10)]!;
          continue;
        }
        const b = Math.floor(r * 4) & 3;
        block[o++] = pos < maskEnd ? lower[b]! : upper[b]!;
      }
      block[o++] = 0x0a;
    }
    await write(out, Buffer.from(block.subarray(0, o)));
  }
}

export async function writeProteins(out: Writable, count: number, rand: () => number): Promise<void> {
  const aa = 'ACDEFGHIKLMNPQRSTVWY';
  let buf = '';
  for (let i = 0; i < count; i++) {
    const len = 50 + Math.floor(rand() * 600);
    let seq = '';
    for (let k = 0; k < len; k++) seq += aa[Math.floor(rand() * 20)];
    buf += `>prot${i} generated protein\n`;
    for (let k = 0; k < len; k += LINE) buf += `${seq.slice(k, k + LINE)}\n`;
    buf += '';
    if (buf.length > 1 << 20) {
      await write(out, buf);
      buf = '';
    }
    if (i % 7 === 0) buf = buf.replace(/\n$/, '*\n'); // some records end with a stop codon
  }
  await write(out, buf);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const outDir = args[0] ?? 'bench/out';
  const opt = (name: string, def: number): number => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : def;
  };
  const bases = opt('--bases', 250_000_000);
  const proteins = opt('--proteins', 100_000);
  const seed = opt('--seed', 42);
  mkdirSync(outDir, { recursive: true });
  const rand = rng(seed);
  const genome = createWriteStream(join(outDir, 'genome.fa'));
  await writeGenomeRecord(genome, 'chrBench1', bases, rand);
  genome.end();
  await once(genome, 'finish');
  const prot = createWriteStream(join(outDir, 'proteins.fa'));
  await writeProteins(prot, proteins, rand);
  prot.end();
  await once(prot, 'finish');
  process.stdout.write(`${JSON.stringify({ outDir, bases, proteins, seed })}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
