// A CRAM whose reference only a refget server can supply (its FASTA deleted), and samtools run
// on it in a child process, so the test's event loop (and any server in it) keeps running.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureBases } from './mirror.js';
import { EXPECTED } from './refget-expected.js';

export const hasSamtools = spawnSync('samtools', ['--version']).status === 0;

export interface Read {
  name: string;
  pos: number;
  seq: string;
}

/** Four 100-base reads on chr I (one with a mismatch), as a CRAM in `dir`; the FASTA is removed. */
export function cramOnChrI(dir: string): { cram: string; reads: Read[]; chrI: string } {
  const chrI = fixtureBases('I');
  const reads = [100, 5000, 123_456, 230_000].map((pos, i) => {
    let seq = chrI.slice(pos, pos + 100);
    if (i === 1) seq = `${seq.slice(0, 50)}${seq[50] === 'A' ? 'C' : 'A'}${seq.slice(51)}`;
    return { name: `r${i}`, pos, seq };
  });
  const sam = [
    `@SQ\tSN:I\tLN:${chrI.length}\tM5:${EXPECTED.I.md5}`,
    ...reads.map((r) => `${r.name}\t0\tI\t${r.pos + 1}\t60\t100M\t*\t0\t0\t${r.seq}\t${'I'.repeat(100)}`),
  ].join('\n');
  writeFileSync(join(dir, 'reads.sam'), `${sam}\n`);
  writeFileSync(join(dir, 'ref.fa'), `>I\n${chrI}\n`);
  const cram = join(dir, 'reads.cram');
  execFileSync('samtools', ['view', '-C', '-T', join(dir, 'ref.fa'), '-o', cram, join(dir, 'reads.sam')]);
  rmSync(join(dir, 'ref.fa'));
  return { cram, reads, chrI };
}

/** `samtools view` with REF_PATH and a new, empty REF_CACHE: exit code, SEQ column, stderr. */
export async function samtoolsView(
  cram: string,
  refPath: string,
  cache: string,
): Promise<{ code: number | null; seqs: string[]; stderr: string }> {
  mkdirSync(cache, { recursive: true });
  const child = spawn('samtools', ['view', cram], {
    env: { ...process.env, REF_PATH: refPath, REF_CACHE: `${cache}/%2s/%2s/%s` },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const seqs = stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t')[9] ?? '');
  return { code, seqs, stderr: stderr.trim() };
}
