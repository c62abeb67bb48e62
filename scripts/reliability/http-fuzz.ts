// Long run: fuzz two real servers with generated requests. Prints the figures as JSON.
//   npx tsx scripts/reliability/http-fuzz.ts [--requests 100000] [--seed N] [--concurrency 16]
import { numberFlag, printJson, randomSeed } from './lib/common.js';
import { runHttpFuzz } from './lib/http-fuzz.js';

const seed = numberFlag('seed', randomSeed());
process.stderr.write(`http-fuzz seed=${seed}\n`);
const figures = await runHttpFuzz({
  seed,
  requests: numberFlag('requests', 100_000),
  concurrency: numberFlag('concurrency', 16),
  log: (m) => process.stderr.write(`${m}\n`),
});
printJson(figures);
process.exitCode =
  figures.fiveHundreds === 0 && figures.mismatches === 0 && figures.transportErrors === 0 && figures.serverUp ? 0 : 1;
