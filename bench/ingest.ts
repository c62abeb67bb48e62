// `npm run bench:ingest`: ingest speed, peak RSS and store size on a reproducible genome-like
// FASTA and a protein FASTA, next to sha512sum and md5sum on the same file (the baseline), plus
// in-process range decode speed. Prints one JSON object of figures. Needs `npm run build` first.
// Usage: tsx bench/ingest.ts [--bases N] [--proteins N] [--dir bench/out]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { SequenceStore } from '../src/store/sequence-store.js';
import { option, timedRun, unsetInBenchEnv } from './cli.js';

const dir = option('--dir', 'bench/out');
const bases = Number(option('--bases', '250000000'));
const proteins = Number(option('--proteins', '100000'));
const genome = join(dir, 'genome.fa');
const proteinFile = join(dir, 'proteins.fa');
const cli = 'dist/cli/main.js';

if (!existsSync(cli)) throw new Error('run `npm run build` first');
if (!existsSync(genome) || !existsSync(proteinFile) || statSync(genome).size < bases) {
  mkdirSync(dir, { recursive: true });
  execFileSync('npx', ['tsx', 'bench/generate.ts', dir, '--bases', String(bases), '--proteins', String(proteins)], {
    stdio: 'inherit',
  });
}

const dirSize = (d: string): number =>
  readdirSync(d, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((n, e) => n + statSync(join(e.parentPath, e.name)).size, 0);

const fileMb = statSync(genome).size / 1e6;
// Warm the page cache so every contender reads from memory.
execFileSync('cat', [genome], { stdio: ['ignore', 'ignore', 'ignore'], maxBuffer: 1 << 30 });
// Best of three rounds, each round running sha512sum, md5sum and the ingest back to back: this
// machine's neighbours make single runs vary by ±30 % from minute to minute, so the contenders
// are interleaved rather than timed in separate minutes.
type Timing = ReturnType<typeof timedRun>;
const store = join(dir, 'store');
const rounds: { sha: Timing; md5: Timing; ingest: Timing }[] = [];
for (let round = 0; round < 3; round++) {
  const sha = timedRun('sha512sum', [genome]);
  const md5 = timedRun('md5sum', [genome]);
  rmSync(store, { recursive: true, force: true });
  rounds.push({ sha, md5, ingest: timedRun('node', [cli, 'ingest', '--no-progress', '--store', store, genome]) });
}
const best = (pick: (r: (typeof rounds)[number]) => Timing): Timing =>
  rounds.map(pick).reduce((a, b) => (b.seconds < a.seconds ? b : a));
const sha = best((r) => r.sha);
const md5 = best((r) => r.md5);
const ingest = best((r) => r.ingest);
const genomeStore = dirSize(store);

const pstore = join(dir, 'store-protein');
rmSync(pstore, { recursive: true, force: true });
const pingest = timedRun('node', [cli, 'ingest', '--no-progress', '--store', pstore, proteinFile]);
const pSummary = JSON.parse(pingest.stdout) as { bases: number; records: number };
const proteinPacks = dirSize(join(pstore, 'packs'));

// In-process decode: 10 Mbp ranges and warm 100-base slices.
const s = SequenceStore.open(store);
const record = [...s.allSequences()][0]!;
const R = 10_000_000;
let out = 0;
let t0 = process.hrtime.bigint();
for (let i = 0; i < 20; i++) {
  const start = (i * 7_919_993) % (record.length - R);
  out += (await s.readRange(record, start, start + R)).length;
}
const decodeGBs = out / 1e9 / (Number(process.hrtime.bigint() - t0) / 1e9);
for (let i = 0; i < 1000; i++) s.readRangeSync(record, i * 1000, i * 1000 + 100);
const N = 100_000;
t0 = process.hrtime.bigint();
for (let i = 0; i < N; i++) {
  const start = (i * 2_654_435) % (record.length - 100);
  s.readRangeSync(record, start, start + 100);
}
const sliceUs = Number(process.hrtime.bigint() - t0) / 1e3 / N;
s.close();

process.stdout.write(
  `${JSON.stringify(
    {
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, unsetForIngest: unsetInBenchEnv },
      rounds: rounds.map((r) => ({
        sha512sum_s: +r.sha.seconds.toFixed(2),
        md5sum_s: +r.md5.seconds.toFixed(2),
        ingest_s: +r.ingest.seconds.toFixed(2),
      })),
      genome: { file: genome, mb: Math.round(fileMb), bases: record.length },
      baseline: {
        sha512sum_s: +sha.seconds.toFixed(2),
        sha512sum_MBps: Math.round(fileMb / sha.seconds),
        md5sum_s: +md5.seconds.toFixed(2),
        md5sum_MBps: Math.round(fileMb / md5.seconds),
      },
      ingest: {
        seconds: +ingest.seconds.toFixed(2),
        MBps: Math.round(fileMb / ingest.seconds),
        vs_sha512sum: +(ingest.seconds / sha.seconds).toFixed(2),
        peakRssMb: Math.max(...rounds.map((r) => r.ingest.peakRssMb)),
        storeBytesPerBase: +(genomeStore / record.length).toFixed(4),
      },
      proteins: {
        records: pSummary.records,
        residues: pSummary.bases,
        seconds: +pingest.seconds.toFixed(2),
        packBytesPerResidue: +(proteinPacks / pSummary.bases).toFixed(4),
        peakRssMb: pingest.peakRssMb,
      },
      decode: { range10MbpGBps: +decodeGBs.toFixed(2), slice100WarmUs: +sliceUs.toFixed(2) },
    },
    null,
    2,
  )}\n`,
);
