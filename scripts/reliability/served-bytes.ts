// Long run: many random ranges over a larger generated genome, compared byte for byte.
//   npx tsx scripts/reliability/served-bytes.ts [--requests 20000] [--scale 5] [--seed N]
import { numberFlag, printJson, randomSeed } from './lib/common.js';
import { runServedBytes } from './lib/served-bytes.js';

const seed = numberFlag('seed', randomSeed());
process.stderr.write(`served-bytes seed=${seed}\n`);
const figures = await runServedBytes({ seed, requests: numberFlag('requests', 20_000), scale: numberFlag('scale', 5) });
printJson(figures);
process.exitCode = figures.mismatches === 0 ? 0 : 1;
