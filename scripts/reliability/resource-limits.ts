// Long run: slowloris, non-reading and idle connections against `refget serve` with its real
// timeouts (takes about a minute). Prints the figures as JSON.
//   npx tsx scripts/reliability/resource-limits.ts [--slowloris 300] [--slow-readers 20] [--idle 2000] [--seed N]
import { numberFlag, printJson, randomSeed } from './lib/common.js';
import { runResourceLimits } from './lib/resource-limits.js';

const seed = numberFlag('seed', randomSeed());
const f = await runResourceLimits({
  real: true,
  slowloris: numberFlag('slowloris', 300),
  slowReaders: numberFlag('slow-readers', 20),
  idle: numberFlag('idle', 2000),
  seed,
});
printJson(f);
process.exit(f.problems.length === 0 ? 0 : 1);
