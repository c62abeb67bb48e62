// Quick version of scripts/reliability/http-fuzz.ts: 5,000 fast-check generated requests against
// two real `refget serve` children (circular on / off + a subsequence limit). Every status is
// one the spec notes allow for its input, no 5xx but the spec's own 501, no transport errors,
// the servers stay up and memory does not run away.
import t from 'tap';
import { randomSeed } from '../../scripts/reliability/lib/common.js';
import { runHttpFuzz } from '../../scripts/reliability/lib/http-fuzz.js';

t.test('HTTP fuzzing', async (t) => {
  const seed = Number(process.env.RELIABILITY_SEED ?? randomSeed());
  t.comment(`seed=${seed} (RELIABILITY_SEED=${seed} to replay; each batch of 1,000 uses seed + batch)`);
  const f = await runHttpFuzz({ seed, requests: 5000 });
  t.same(f.examples, [], 'no mismatch, no 5xx, no transport error');
  t.equal(f.mismatches, 0, "every status is in its input's class");
  t.equal(f.fiveHundreds, 0, "no 5xx (besides the spec's 501)");
  t.equal(f.transportErrors, 0);
  t.ok(f.serverUp, 'both servers still answer /healthz');
  t.ok(f.rssMb.growthAfterWarmup < 64, `RSS after warm-up ${f.rssMb.afterWarmup} MB, end ${f.rssMb.end} MB`);
  // The generator must reach the main classes; rarer ones (304, 501, 431…) depend on the seed,
  // so they are reported, not required (a random seed must never make CI flaky).
  for (const status of ['200', '206', '400', '404', '406', '416']) t.ok(status in f.statuses, `status ${status} was exercised`);
  t.comment(`statuses seen: ${JSON.stringify(f.statuses)}`);
});
