// The malformed-FASTA corpus through the real CLI, plus one very long single-line record
// streamed through stdin with the ingest's peak memory. Prints the figures as JSON.
//   npx tsx scripts/reliability/malformed-corpus.ts [--long-line-mb 1024]
import { numberFlag, printJson } from './lib/common.js';
import { runCorpus } from './lib/malformed-corpus.js';
import { runLongLine } from './lib/long-line.js';

const results = await runCorpus();
const longLine = await runLongLine({ megabytes: numberFlag('long-line-mb', 1024) });
const failed = results.filter((r) => r.problems.length > 0);
printJson({
  cases: results.length,
  errors: results.filter((r) => r.expect !== 'normalised').length,
  normalised: results.filter((r) => r.expect === 'normalised').length,
  failed: failed.length,
  failures: failed,
  messages: results.map(
    (r) =>
      `${r.name} -> exit ${r.exit}: ${r.stderr
        .split('\n')[0]!
        .replace(/^refget: \S+?:(\d+:)?/, 'FILE:$1')
        .slice(0, 120)}`,
  ),
  longLine,
});
process.exitCode = failed.length === 0 && longLine.ok ? 0 : 1;
