// Quick version of scripts/reliability/corruption.ts: damaged copies of a store (flipped pack
// bytes, flipped index pages, truncated and deleted packs) never answer 2xx with wrong bytes, and
// `verify` names exactly the damaged sequences.
import t from 'tap';
import { randomSeed } from '../../scripts/reliability/lib/common.js';
import { runCorruption } from '../../scripts/reliability/lib/corruption.js';

t.test('a damaged store answers right bytes or an error, never wrong bytes', async (t) => {
  const seed = Number(process.env.RELIABILITY_SEED ?? randomSeed());
  t.comment(`seed=${seed} (RELIABILITY_SEED=${seed} to replay)`);
  const f = await runCorruption({ seed, trials: Number(process.env.CORRUPTION_TRIALS ?? 100) });
  t.comment(JSON.stringify({ ...f, failures: f.failures.length }));
  t.equal(f.wrong2xx, 0, `${f.requests} requests over ${f.trials} damaged stores: no 2xx with wrong bytes`);
  t.same(f.failures, [], 'no failures');
  t.ok(f.ok2xx > 0 && f.errors5xx > 0, 'both right answers and refusals were seen');
  for (const kind of ['pack-flip', 'index-flip']) t.ok((f.byKind[kind] ?? 0) > 0, `covers ${kind}`);
});
