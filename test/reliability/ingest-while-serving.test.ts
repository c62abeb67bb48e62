// Quick version: 5 s of autocannon load on a real server while a 30 Mbp ingest runs into its
// store. Zero failed requests; new ids are 404 until the commit, then answer with the right bytes.
import t from 'tap';
import { randomSeed } from '../../scripts/reliability/lib/common.js';
import { runIngestWhileServing } from '../../scripts/reliability/lib/ingest-while-serving.js';

t.test('ingest while serving', async (t) => {
  const seed = Number(process.env.RELIABILITY_SEED ?? randomSeed());
  t.comment(`seed=${seed}`);
  const f = await runIngestWhileServing({ seed, seconds: 5, megabases: 30 });
  t.same(f.problems, []);
  t.equal(f.errors + f.timeouts + f.non2xx, 0, `${f.requests} requests, none failed (p99 ${f.latencyMs.p99} ms)`);
  t.ok(f.requests > 1000, 'the load was real');
  t.ok((f.newIdsBeforeCommit['404'] ?? 0) > 0, `new ids polled while the ingest ran: ${JSON.stringify(f.newIdsBeforeCommit)}`);
  t.equal(f.lateNotFound, 0, 'once one new id answered, every later request found all of them (atomic commit)');
  t.ok(f.newSequencesCorrect, 'then answered with their exact bytes, by id and by alias');
});
