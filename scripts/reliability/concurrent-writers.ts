// Long run: many writer races on one store. Prints the figures as JSON.
//   npx tsx scripts/reliability/concurrent-writers.ts [--trials 10] [--megabases 60] [--seed N]
import { numberFlag, printJson, randomSeed } from './lib/common.js';
import { runFreshStoreRace, runWriterRace, type RaceOutcome } from './lib/concurrent-writers.js';

const seed = numberFlag('seed', randomSeed());
const trials = numberFlag('trials', 10);
const megabases = numberFlag('megabases', 60);
process.stderr.write(`concurrent-writers seed=${seed}\n`);
const outcomes: RaceOutcome[] = [];
for (let i = 0; i < trials; i++) {
  for (const o of [
    await runWriterRace('wait', seed + i, megabases),
    await runWriterRace('fail', seed + i, megabases),
    await runFreshStoreRace(seed + i),
  ]) {
    outcomes.push(o);
    process.stderr.write(`${i} ${o.scenario}: exits ${o.exits.join(',')} ${o.problems.length ? o.problems.join('; ') : 'ok'}\n`);
  }
}
const by = (s: string): RaceOutcome[] => outcomes.filter((o) => o.scenario === s);
printJson({
  seed,
  trials,
  megabases,
  waitRaces: by('wait').length,
  bothSucceeded: by('wait').filter((o) => o.exits.every((e) => e === 0)).length,
  failRaces: by('fail').length,
  lockedOutClearly: by('fail').filter((o) => o.lockedOut === 1).length,
  freshStoreRaces: by('fresh-store').length,
  freshAllSucceeded: by('fresh-store').filter((o) => o.exits.every((e) => e === 0)).length,
  verifyFailures: outcomes.filter((o) => o.verifyExit !== 0).length,
  problems: outcomes.filter((o) => o.problems.length > 0),
});
process.exitCode = outcomes.some((o) => o.problems.length > 0) ? 1 : 0;
