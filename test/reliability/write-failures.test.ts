// Write failures (full filesystem for the pack or the index, read-only remount, read-only bind
// mount): exit 1 with a one-line message and a byte-identical store. Needs root + tmpfs.
import t from 'tap';
import { runWriteFailures, writeFailureSupport } from '../../scripts/reliability/lib/write-failures.js';

const skip = writeFailureSupport();
t.test('failed writes leave the store as it was', { skip: skip ?? false }, async (t) => {
  const outcomes = await runWriteFailures(7);
  t.equal(outcomes.length, 4);
  for (const o of outcomes) {
    t.same(o.problems, [], `${o.scenario}: exit ${o.exit}: ${o.message}`);
    t.equal(o.exit, 1, `${o.scenario}: exit 1`);
    t.ok(o.storeUnchanged, `${o.scenario}: byte-identical store`);
    t.equal(o.verifyExit, 0, `${o.scenario}: verify passes`);
  }
  t.equal(
    outcomes[0]!.laterIngestExit,
    0,
    "a 400 kbp ingest (100 kB packed) fits afterwards: the failed run's 3 MB were given back",
  );
});
