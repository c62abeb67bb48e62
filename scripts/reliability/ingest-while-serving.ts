// Long run: a longer load while a larger ingest runs. Prints the figures as JSON.
//   npx tsx scripts/reliability/ingest-while-serving.ts [--seconds 30] [--megabases 300] [--connections 8] [--seed N]
import { numberFlag, printJson, randomSeed } from './lib/common.js';
import { runIngestWhileServing } from './lib/ingest-while-serving.js';

const seed = numberFlag('seed', randomSeed());
process.stderr.write(`ingest-while-serving seed=${seed}\n`);
const f = await runIngestWhileServing({
  seed,
  seconds: numberFlag('seconds', 30),
  megabases: numberFlag('megabases', 300),
  connections: numberFlag('connections', 8),
});
printJson(f);
process.exitCode = f.problems.length === 0 ? 0 : 1;
