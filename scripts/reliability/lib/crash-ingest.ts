// kill -9 an ingest of a large generated FASTA at random moments. After each kill: `refget verify`
// passes, a reader sees either the store as it was before the run or the whole run (never a part
// of it), and rerunning the ingest completes with the expected digests.
import { cpSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  makeTempDir,
  orphanPackBytes,
  rng,
  rowSnapshot,
  runCli,
  sameRows,
  startCli,
  writeGenome,
  type GeneratedRecord,
  type RecordSpec,
  type RowSnapshot,
} from './common.js';

export interface CrashOptions {
  trials: number;
  seed: number;
  megabases: number;
  log?: (m: string) => void;
}

export interface CrashTrial {
  trial: number;
  killAfterMs: number;
  /** where the kill landed, judged by the pack growth seen and whether the run had finished */
  phase: 'before-writing' | 'writing' | 'after-writing' | 'completed';
  packBytesAtKill: number;
  orphanBytes: number;
  visible: 'before' | 'after';
  verifyExit: number | null;
  rerunExit: number | null;
  digestsOk: boolean;
  problems: string[];
}

export interface CrashFigures {
  seed: number;
  fastaMegabytes: number;
  records: number;
  cleanIngestMs: number;
  firstPackWriteMs: number;
  trials: number;
  failures: number;
  phases: Record<CrashTrial['phase'], number>;
  visibleBefore: number;
  visibleAfter: number;
  maxOrphanBytes: number;
  results: CrashTrial[];
}

/** Records of mixed sizes: most over 1 MiB (streamed), a few small (buffered), one IUPAC-heavy (raw). */
export function crashGenomeSpecs(megabases: number): RecordSpec[] {
  const total = Math.round(megabases * 1e6);
  const specs: RecordSpec[] = [];
  let left = total;
  let i = 0;
  while (left > 0) {
    const len = Math.min(left, i % 4 === 3 ? 50_000 + i * 997 : 3_000_000 + i * 10_007);
    specs.push({
      name: `chr${i + 1}`,
      length: len,
      lineWidth: i % 2 ? 60 : 80,
      nRun: i % 3 === 0 ? 20_000 : 0,
      lowerFraction: 0.2,
      iupacEvery: i === 2 ? 11 : 0,
    });
    left -= len;
    i++;
  }
  return specs;
}

function expectDigests(expected: readonly GeneratedRecord[], rows: RowSnapshot): string[] {
  const problems: string[] = [];
  const ids = new Set(rows.sequences);
  for (const r of expected) if (!ids.has(r.ga4gh)) problems.push(`${r.name}: ${r.ga4gh} missing after rerun`);
  const aliases = new Set(rows.aliases);
  for (const r of expected) if (!aliases.has(`crash:${r.name}`)) problems.push(`alias crash:${r.name} missing after rerun`);
  return problems;
}

export async function runCrashTrials(opts: CrashOptions): Promise<CrashFigures> {
  const log = opts.log ?? (() => undefined);
  const tmp = makeTempDir('refget-crash-');
  try {
    const fasta = join(tmp.dir, 'genome.fa');
    const expected = writeGenome(fasta, opts.seed, crashGenomeSpecs(opts.megabases));
    const base = join(tmp.dir, 'base');
    writeGenome(join(tmp.dir, 'seed.fa'), opts.seed + 1, [
      { name: 'already', length: 200_000 },
      { name: 'there', length: 1000 },
    ]);
    const seeded = await runCli(['ingest', '--store', base, '--naming-authority', 'base', join(tmp.dir, 'seed.fa')]);
    if (seeded.code !== 0) throw new Error(`seeding the base store failed: ${seeded.stderr}`);
    const beforeRows = rowSnapshot(base);

    // One clean run: its row snapshot is "the whole run"; its time bounds the kill moments.
    const full = join(tmp.dir, 'full');
    cpSync(base, full, { recursive: true });
    const fullPack = join(full, 'packs', '000001.pack');
    const basePackSize = statSync(fullPack).size;
    const cleanRun = startCli(['ingest', '--store', full, '--naming-authority', 'crash', fasta]);
    const cleanBegan = Date.now();
    let firstGrowthMs = 0;
    const watch = setInterval(() => {
      if (firstGrowthMs === 0 && statSync(fullPack).size > basePackSize) firstGrowthMs = Date.now() - cleanBegan;
    }, 2);
    const clean = await cleanRun.done;
    clearInterval(watch);
    if (clean.code !== 0) throw new Error(`clean ingest failed: ${clean.stderr}`);
    const afterRows = rowSnapshot(full);
    const finalPack = statSync(join(full, 'packs', '000001.pack')).size;
    const basePack = statSync(join(base, 'packs', '000001.pack')).size;
    log(`clean ingest: ${clean.ms} ms (first pack write at ${firstGrowthMs} ms), pack ${basePack} -> ${finalPack} bytes`);

    const rand = rng(opts.seed);
    const results: CrashTrial[] = [];
    for (let trial = 0; trial < opts.trials; trial++) {
      const store = join(tmp.dir, `trial-${trial}`);
      cpSync(base, store, { recursive: true });
      const pack = join(store, 'packs', '000001.pack');
      // Half the kills at a uniform time over the whole run (startup and commit included), half
      // when the pack has grown by a random fraction (the middle of the write phase).
      // A quarter at any time of the run (process start included), a quarter between the first
      // pack write and just past the clean run's end (the commit), half by pack growth.
      const byBytes = trial % 2 === 1;
      const targetBytes = basePack + Math.floor(rand() * (finalPack - basePack));
      const from = trial % 4 === 2 ? firstGrowthMs : 0;
      const killAfterMs = Math.floor(from + rand() * (clean.ms * 1.05 - from));
      const run = startCli(['ingest', '--store', store, '--naming-authority', 'crash', fasta]);
      const began = Date.now();
      let packBytesAtKill = basePack;
      let finished = false;
      void run.done.then(() => {
        finished = true;
      });
      await new Promise<void>((resolve) => {
        const tick = setInterval(() => {
          const size = existsSync(pack) ? statSync(pack).size : 0;
          const due = byBytes ? size >= targetBytes : Date.now() - began >= killAfterMs;
          if (due || finished || Date.now() - began > clean.ms * 10 + 10_000) {
            packBytesAtKill = size;
            clearInterval(tick);
            run.child.kill('SIGKILL');
            resolve();
          }
        }, 2);
      });
      const result = await run.done;
      const elapsed = Date.now() - began;
      const completed = result.signal === null && result.code === 0;
      const phase: CrashTrial['phase'] = completed
        ? 'completed'
        : packBytesAtKill <= basePack
          ? 'before-writing'
          : packBytesAtKill < finalPack
            ? 'writing'
            : 'after-writing';
      const problems: string[] = [];
      if (!completed && result.signal !== 'SIGKILL')
        problems.push(`ingest ended with ${result.code ?? result.signal}, not by the kill: ${result.stderr}`);

      const orphanBytes = orphanPackBytes(store);
      const rows = rowSnapshot(store);
      let visible: CrashTrial['visible'] = 'before';
      if (sameRows(rows, afterRows)) visible = 'after';
      else if (!sameRows(rows, beforeRows))
        problems.push(
          `partial run visible: ${rows.sequences.length} sequences, ${rows.aliases.length} aliases, ${rows.collections.length} collections`,
        );
      if (visible === 'before' && completed) problems.push('the run exited 0 but its rows are not visible');

      const verify = await runCli(['verify', '--store', store]);
      if (verify.code !== 0) problems.push(`verify exit ${verify.code}: ${verify.stderr}`);
      const rerun = await runCli(['ingest', '--store', store, '--naming-authority', 'crash', fasta]);
      if (rerun.code !== 0) problems.push(`rerun exit ${rerun.code}: ${rerun.stderr}`);
      const final = rowSnapshot(store);
      const digestProblems = expectDigests(expected, final);
      problems.push(...digestProblems);
      if (orphanPackBytes(store) !== 0) problems.push('the rerun left uncommitted pack bytes');
      const reverify = await runCli(['verify', '--store', store]);
      if (reverify.code !== 0) problems.push(`verify after rerun exit ${reverify.code}: ${reverify.stderr}`);
      results.push({
        trial,
        killAfterMs: elapsed,
        phase,
        packBytesAtKill,
        orphanBytes,
        visible,
        verifyExit: verify.code,
        rerunExit: rerun.code,
        digestsOk: digestProblems.length === 0,
        problems,
      });
      log(
        `trial ${trial}: killed after ${elapsed} ms (${phase}, pack ${packBytesAtKill}), visible=${visible}, orphan=${orphanBytes}, ${problems.length === 0 ? 'ok' : problems.join('; ')}`,
      );
    }
    const phases = { 'before-writing': 0, writing: 0, 'after-writing': 0, completed: 0 };
    for (const r of results) phases[r.phase]++;
    return {
      seed: opts.seed,
      fastaMegabytes: Math.round(statSync(fasta).size / 1e5) / 10,
      records: expected.length,
      cleanIngestMs: clean.ms,
      firstPackWriteMs: firstGrowthMs,
      trials: results.length,
      failures: results.filter((r) => r.problems.length > 0).length,
      phases,
      visibleBefore: results.filter((r) => r.visible === 'before').length,
      visibleAfter: results.filter((r) => r.visible === 'after').length,
      maxOrphanBytes: Math.max(0, ...results.map((r) => r.orphanBytes)),
      results,
    };
  } finally {
    tmp.remove();
  }
}
