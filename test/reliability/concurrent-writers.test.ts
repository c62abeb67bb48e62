// Two ingests into one store at once never corrupt it: one waits or fails clearly. Also the
// fresh-store race (three first writers in the same millisecond), which once ran the schema
// migrations twice ('table packs already exists').
import t from 'tap';
import { randomSeed } from '../../scripts/reliability/lib/common.js';
import { runFreshStoreRace, runWriterRace } from '../../scripts/reliability/lib/concurrent-writers.js';

const seed = Number(process.env.RELIABILITY_SEED ?? randomSeed());

t.test('a second writer with --wait waits for the first; both commit', async (t) => {
  t.comment(`seed=${seed}`);
  const o = await runWriterRace('wait', seed, 8);
  t.same(o.problems, []);
  t.same(o.exits, [0, 0]);
  t.equal(o.verifyExit, 0);
});

t.test('a second writer with a short --wait fails clearly and leaves no trace', async (t) => {
  const o = await runWriterRace('fail', seed, 8);
  t.same(o.problems, []);
  t.same(o.exits, [0, 1]);
  t.equal(o.lockedOut, 1, "exit 1 with 'another ingest is writing to …'");
  t.equal(o.verifyExit, 0);
});

t.test('three first writers into a store that does not exist yet', async (t) => {
  const o = await runFreshStoreRace(seed);
  t.same(o.problems, []);
  t.same(o.exits, [0, 0, 0]);
});
