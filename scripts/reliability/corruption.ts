// Long run of the corruption suite: many damaged copies of a store, every kind of request.
//   npx tsx scripts/reliability/corruption.ts [--trials 500] [--seed N]
import { numberFlag, printJson, randomSeed } from './lib/common.js';
import { runCorruption } from './lib/corruption.js';

const seed = numberFlag('seed', randomSeed());
process.stderr.write(`corruption seed=${seed}\n`);
const figures = await runCorruption({ seed, trials: numberFlag('trials', 500) });
printJson(figures);
process.exitCode = figures.failures.length === 0 ? 0 : 1;
