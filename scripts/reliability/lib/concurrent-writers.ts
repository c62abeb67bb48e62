// Two (or three) writers on one store at once. One run holds the store's single write lock from
// start to end; the other waits for it (--wait) or fails with a clear message. Never a corrupt
// store: afterwards verify passes and exactly the successful runs' sequences are visible.
import { spawn } from 'node:child_process';
import { cpSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  ga4ghOf,
  makeTempDir,
  orphanPackBytes,
  ROOT,
  rowSnapshot,
  runCli,
  startCli,
  writeGenome,
  type GeneratedRecord,
} from './common.js';

export interface RaceOutcome {
  scenario: string;
  exits: (number | null)[];
  waited: boolean;
  lockedOut: number;
  verifyExit: number | null;
  problems: string[];
}

async function checkStore(
  store: string,
  runs: { ok: boolean; records: readonly GeneratedRecord[] }[],
  problems: string[],
): Promise<number | null> {
  const verify = await runCli(['verify', '--store', store]);
  if (verify.code !== 0) problems.push(`verify exit ${verify.code}: ${verify.stderr.trim()}`);
  const rows = rowSnapshot(store);
  for (const run of runs) {
    for (const r of run.records) {
      const present = rows.sequences.includes(r.ga4gh);
      if (run.ok && !present) problems.push(`${r.name} of a successful run is missing`);
      if (!run.ok && present) problems.push(`${r.name} of a failed run is visible`);
    }
  }
  if (orphanPackBytes(store) !== 0 && runs.every((r) => r.ok)) problems.push('uncommitted pack bytes after two successful runs');
  return verify.code;
}

/**
 * The long run reads its FASTA from stdin, fed by this process, so it provably holds the lock
 * while the other starts. Scenario 'wait': the second run has --wait 120 and starts while the
 * first is mid-file; the first is then held open ~1.5 s more: the second waits, then both
 * commit. Scenario 'fail': the second has --wait 0.2: exit 1 with "another ingest is writing".
 */
export async function runWriterRace(scenario: 'wait' | 'fail', seed: number, megabases: number): Promise<RaceOutcome> {
  const tmp = makeTempDir('refget-race-');
  try {
    const base = join(tmp.dir, 'base');
    writeGenome(join(tmp.dir, 'seed.fa'), seed, [{ name: 'seed', length: 1000 }]);
    if ((await runCli(['ingest', '--store', base, join(tmp.dir, 'seed.fa')])).code !== 0) throw new Error('seeding failed');
    const store = join(tmp.dir, 'store');
    cpSync(base, store, { recursive: true });
    const longFa = join(tmp.dir, 'long.fa');
    const shortFa = join(tmp.dir, 'short.fa');
    const longRecs = writeGenome(
      longFa,
      seed + 1,
      Array.from({ length: 4 }, (_, i) => ({ name: `L${i}`, length: Math.round((megabases * 1e6) / 4) })),
    );
    const shortRecs = writeGenome(shortFa, seed + 2, [
      { name: 'S0', length: 5000 },
      { name: 'S1', length: 2_000_000 },
    ]);
    const longText = readFileSync(longFa);
    const problems: string[] = [];
    const a = startCli(['ingest', '--store', store, '--naming-authority', 'a', '-'], { stdin: 'pipe' });
    const stdin = a.child.stdin!;
    stdin.on('error', () => undefined);
    const half = Math.floor(longText.length / 2);
    stdin.write(longText.subarray(0, half));
    // Wait until the first run is writing (so it holds the lock), then start the second.
    const pack = join(store, 'packs', '000001.pack');
    const base0 = statSync(pack).size;
    const t0 = Date.now();
    while (statSync(pack).size === base0 && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 5));
    const b = startCli([
      'ingest',
      '--store',
      store,
      '--naming-authority',
      'b',
      '--wait',
      scenario === 'fail' ? '0.2' : '120',
      shortFa,
    ]);
    let bDone = false;
    void b.done.then(() => {
      bDone = true;
    });
    // Hold the first run open: until the second gave up ('fail'), or ~1.5 s past its start ('wait').
    const holdUntil = Date.now() + (scenario === 'fail' ? 30_000 : 2500);
    while (Date.now() < holdUntil && !(scenario === 'fail' && bDone)) await new Promise((r) => setTimeout(r, 20));
    const secondFinishedWhileHeld = bDone;
    stdin.end(longText.subarray(half));
    const [ra, rb] = await Promise.all([a.done, b.done]);
    if (ra.code !== 0) problems.push(`long run exit ${ra.code}: ${ra.stderr.trim()}`);
    const lockedOut = rb.code === 1 && /another ingest is writing to/.test(rb.stderr) ? 1 : 0;
    if (scenario === 'wait') {
      if (rb.code !== 0) problems.push(`waiting run exit ${rb.code}: ${rb.stderr.trim()}`);
      if (secondFinishedWhileHeld) problems.push('the second run finished while the first still held the lock');
    }
    if (scenario === 'fail' && !lockedOut)
      problems.push(`short run exit ${rb.code} without the lock message: ${rb.stderr.trim()}`);
    if (/unexpected error/.test(ra.stderr + rb.stderr)) problems.push('an unexpected error was reported');
    const verifyExit = await checkStore(
      store,
      [
        { ok: ra.code === 0, records: longRecs },
        { ok: rb.code === 0, records: shortRecs },
      ],
      problems,
    );
    return {
      scenario,
      exits: [ra.code, rb.code],
      waited: scenario === 'wait' && !secondFinishedWhileHeld && rb.code === 0,
      lockedOut,
      verifyExit,
      problems,
    };
  } finally {
    tmp.remove();
  }
}

/** Three processes open a store that does not exist yet in the same millisecond (migration race). */
export async function runFreshStoreRace(seed: number, writers = 3): Promise<RaceOutcome> {
  const tmp = makeTempDir('refget-fresh-');
  try {
    const store = join(tmp.dir, 'store');
    const at = Date.now() + 1500;
    const seqs = Array.from({ length: writers }, (_, i) => `ACGT${'GATTACA'.repeat(i + 1)}${seed % 1000}`.replace(/[0-9]/g, 'N'));
    const outs = await Promise.all(
      seqs.map(
        (seq) =>
          new Promise<{ code: number | null; out: string }>((resolve) => {
            const child = spawn(
              process.execPath,
              ['--import=tsx', join(ROOT, 'scripts/reliability/lib/open-at.ts'), store, String(at), seq],
              { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
            );
            let out = '';
            child.stdout.setEncoding('utf8').on('data', (s: string) => {
              out += s;
            });
            child.stderr.setEncoding('utf8').on('data', (s: string) => {
              out += s;
            });
            child.on('close', (code) => resolve({ code, out }));
          }),
      ),
    );
    const problems = outs.filter((o) => o.code !== 0).map((o) => o.out.trim());
    const records = seqs.map((s, i) => ({ name: `w${i}`, length: s.length, md5: '', ga4gh: ga4ghOf(s) }));
    const verifyExit = await checkStore(store, [{ ok: true, records }], problems);
    return { scenario: 'fresh-store', exits: outs.map((o) => o.code), waited: false, lockedOut: 0, verifyExit, problems };
  } finally {
    tmp.remove();
  }
}
