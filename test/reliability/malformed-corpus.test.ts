// The whole malformed-FASTA corpus through the real CLI (scripts/reliability/lib/malformed-corpus.ts):
// every bad input exits 1 naming FILE:LINE and cause and leaves the store byte-identical; every
// input that refget §2.8 normalises is stored with the digests of its normalised text. Plus a
// 64 MB one-line record through stdin in bounded memory (the long run does 1 GB).
import t from 'tap';
import { CORPUS, runCorpus } from '../../scripts/reliability/lib/malformed-corpus.js';
import { runLongLine } from '../../scripts/reliability/lib/long-line.js';

t.test('malformed FASTA corpus', async (t) => {
  t.ok(CORPUS.filter((c) => c.expect !== 'normalised').length >= 30, 'at least 30 bad inputs');
  const results = await runCorpus();
  t.equal(results.length, CORPUS.length, 'every case ran');
  for (const r of results) t.same(r.problems, [], `${r.name}: exit ${r.exit}${r.line === undefined ? '' : `, line ${r.line}`}`);
});

t.test('a 64 MB single-line record without newline, through stdin, in bounded memory', async (t) => {
  const r = await runLongLine({ megabytes: 64 });
  t.equal(r.exit, 0);
  t.ok(r.ok, `stored with the right digest; peak RSS ${r.peakRssMb} MB${r.problem ? `: ${r.problem}` : ''}`);
});
