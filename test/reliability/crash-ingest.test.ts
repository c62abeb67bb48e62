// Quick version of scripts/reliability/crash-ingest.ts: kill -9 a real `refget ingest` child at
// random moments (seed printed) and check verify, atomic visibility and a successful rerun.
import t from 'tap';
import { randomSeed } from '../../scripts/reliability/lib/common.js';
import { runCrashTrials } from '../../scripts/reliability/lib/crash-ingest.js';

t.test('kill -9 during ingest: verify passes, nothing partial is visible, the rerun completes', async (t) => {
  const seed = Number(process.env.RELIABILITY_SEED ?? randomSeed());
  t.comment(`seed=${seed} (RELIABILITY_SEED=${seed} to replay)`);
  const figures = await runCrashTrials({ trials: 3, megabases: 15, seed });
  for (const r of figures.results) {
    t.same(r.problems, [], `trial ${r.trial}: killed after ${r.killAfterMs} ms (${r.phase}), store showed '${r.visible}'`);
    t.equal(r.verifyExit, 0, `trial ${r.trial}: refget verify exits 0`);
    t.equal(r.rerunExit, 0, `trial ${r.trial}: rerun exits 0`);
    t.ok(r.digestsOk, `trial ${r.trial}: rerun stored every expected digest`);
  }
  t.equal(figures.trials, 3);
});
