// Long run: kill -9 an ingest at random moments, many times. Prints the figures as JSON.
//   npx tsx scripts/reliability/crash-ingest.ts [--trials 20] [--megabases 200] [--seed N]
import { numberFlag, printJson, randomSeed } from './lib/common.js';
import { runCrashTrials } from './lib/crash-ingest.js';

const seed = numberFlag('seed', randomSeed());
process.stderr.write(`crash-ingest seed=${seed}\n`);
const figures = await runCrashTrials({
  trials: numberFlag('trials', 20),
  megabases: numberFlag('megabases', 200),
  seed,
  log: (m) => process.stderr.write(`${m}\n`),
});
printJson({ ...figures, results: figures.results.filter((r) => r.problems.length > 0) });
process.exitCode = figures.failures === 0 ? 0 : 1;
