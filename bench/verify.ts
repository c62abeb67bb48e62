// `npm run bench:verify`: `refget verify` (full: checksums + re-digest; and --quick: checksums
// only) on a 250 Mbp one-record genome and on 1,000,000 short records, next to sha512sum of a
// file holding the same bases (the baseline, in the same rounds). Seeded inputs under --dir;
// prints one JSON object. Needs `npm run build`.
// Usage: tsx bench/verify.ts [--bases 250000000] [--records 1000000] [--rounds 3] [--dir bench/out/verify]
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { rng, writeGenomeRecord } from './generate.js';
import { benchEnv, option, timedRun } from './cli.js';

const dir = option('--dir', 'bench/out/verify');
const bases = Number(option('--bases', '250000000'));
const records = Number(option('--records', '1000000'));
const rounds = Number(option('--rounds', '3'));
const cli = 'dist/cli/main.js';
if (!existsSync(cli)) throw new Error('run `npm run build` first');

/** Short records: 100-300 bases each, random ACGT (seeded); also the same bases as one plain file. */
async function writeRecords(path: string, basesPath: string, count: number): Promise<void> {
  const rand = rng(7);
  const out = createWriteStream(path);
  const plain = createWriteStream(basesPath);
  const letters = 'ACGT';
  for (let i = 0; i < count; i++) {
    const n = 100 + Math.floor(rand() * 201);
    let s = '';
    for (let j = 0; j < n; j++) s += letters[Math.floor(rand() * 4)];
    if (!out.write(`>r${i}\n${s}\n`)) await once(out, 'drain');
    if (!plain.write(s)) await once(plain, 'drain');
  }
  out.end();
  plain.end();
  await Promise.all([once(out, 'finish'), once(plain, 'finish')]);
}

async function prepare(): Promise<{ genomeStore: string; genomeBases: string; recordStore: string; recordBases: string }> {
  const p = {
    genomeStore: join(dir, 'genome-store'),
    genomeBases: join(dir, 'genome.txt'),
    recordStore: join(dir, 'records-store'),
    recordBases: join(dir, 'records.txt'),
  };
  if (existsSync(join(dir, 'ready'))) return p;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const genome = join(dir, 'genome.fa');
  const g = createWriteStream(genome);
  await writeGenomeRecord(g, 'chr1', bases, rng(2026));
  g.end();
  await once(g, 'finish');
  const recordsFa = join(dir, 'records.fa');
  await writeRecords(recordsFa, p.recordBases, records);
  for (const [fasta, store] of [
    [genome, p.genomeStore],
    [recordsFa, p.recordStore],
  ] as const) {
    const r = spawnSync('node', [cli, 'ingest', '--no-progress', '--store', store, fasta], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: benchEnv,
    });
    if (r.status !== 0) throw new Error(`ingest of ${fasta} failed`);
  }
  // The genome's normalised bases as one file, for the baseline: what the store serves.
  const e = spawnSync('node', [cli, 'export-ref-cache', '--store', p.genomeStore, join(dir, 'cache')], {
    env: benchEnv,
    encoding: 'utf8',
  });
  if (e.status !== 0) throw new Error('export failed');
  const cached = spawnSync('sh', ['-c', `find ${join(dir, 'cache')} -type f -exec mv {} ${p.genomeBases} \\;`]);
  if (cached.status !== 0) throw new Error('moving the exported bases failed');
  createWriteStream(join(dir, 'ready')).end();
  return p;
}

const p = await prepare();
const figures: Record<string, unknown>[] = [];
for (let round = 1; round <= rounds; round++) {
  for (const [label, store, basesFile] of [
    ['genome 250 Mbp', p.genomeStore, p.genomeBases],
    ['1M records', p.recordStore, p.recordBases],
  ] as const) {
    const sha = timedRun('sha512sum', [basesFile], false);
    const full = timedRun('node', [cli, 'verify', '--store', store], false);
    const quick = timedRun('node', [cli, 'verify', '--quick', '--store', store], false);
    if (full.status !== 0 || quick.status !== 0) throw new Error(`verify failed on ${store}`);
    const row = {
      round,
      input: label,
      sha512sumSeconds: +sha.seconds.toFixed(2),
      verifySeconds: +full.seconds.toFixed(2),
      verifyRatio: +(full.seconds / sha.seconds).toFixed(2),
      verifyPeakRssMb: full.peakRssMb,
      quickSeconds: +quick.seconds.toFixed(2),
      quickRatio: +(quick.seconds / sha.seconds).toFixed(2),
      quickPeakRssMb: quick.peakRssMb,
    };
    figures.push(row);
    process.stderr.write(`${JSON.stringify(row)}\n`);
  }
}
process.stdout.write(
  `${JSON.stringify({ machine: `${process.platform} ${process.arch}, node ${process.version}`, bases, records, figures }, null, 2)}\n`,
);
