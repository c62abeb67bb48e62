// A server under steady autocannon load while an ingest runs into its store: zero failed
// requests, the new sequences answer 404 until the ingest commits and 200 (with the right
// bytes) as soon as it has, without a restart.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { httpGet, makeTempDir, md5Hex, procStatusKb, runCli, startCli, startServerChild, writeGenome } from './common.js';

const require = createRequire(import.meta.url);
interface Stat {
  average: number;
  p50: number;
  p99: number;
  max: number;
  total: number;
}
interface AutocannonResult {
  requests: Stat;
  latency: Stat;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  duration: number;
}
// autocannon ships no types; the fields used here are typed at the call site.
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<AutocannonResult>;

export interface ServingFigures {
  seed: number;
  seconds: number;
  connections: number;
  ingestMegabases: number;
  ingestMs: number;
  requests: number;
  requestsPerSecond: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** statuses of the new ids polled while the ingest process ran (404, then 200 from its COMMIT on) */
  newIdsBeforeCommit: Record<string, number>;
  lateNotFound: number;
  msFromIngestExitToAllAnswering: number;
  newSequencesCorrect: boolean;
  serverRssMb: { before: number; after: number };
  problems: string[];
}

export async function runIngestWhileServing(opts: {
  seed: number;
  seconds: number;
  megabases: number;
  connections?: number;
}): Promise<ServingFigures> {
  const tmp = makeTempDir('refget-serving-');
  try {
    const store = join(tmp.dir, 'store');
    const old = writeGenome(join(tmp.dir, 'old.fa'), opts.seed, [
      { name: 'old1', length: 2_000_000, nRun: 10_000 },
      { name: 'old2', length: 300_000 },
      { name: 'old3', length: 5000 },
    ]);
    if ((await runCli(['ingest', '--store', store, '--naming-authority', 'old', join(tmp.dir, 'old.fa')])).code !== 0)
      throw new Error('seed ingest failed');
    const newFa = join(tmp.dir, 'new.fa');
    const perRecord = Math.round((opts.megabases * 1e6) / 6);
    const fresh = writeGenome(
      newFa,
      opts.seed + 1,
      Array.from({ length: 6 }, (_, i) => ({ name: `new${i}`, length: perRecord + i, lowerFraction: 0.1 })),
      { keepText: true },
    );
    const server = await startServerChild(store);
    const problems: string[] = [];
    try {
      const rssBefore = procStatusKb(server.pid, 'VmRSS') ?? 0;
      const requests = [
        ...old.map((r) => ({ method: 'GET', path: `/sequence/${r.md5}?start=100&end=1100` })),
        ...old.map((r) => ({ method: 'GET', path: `/sequence/${r.ga4gh}`, headers: { range: 'bytes=0-4095' } })),
        ...old.map((r) => ({ method: 'GET', path: `/sequence/${r.md5}/metadata` })),
        { method: 'GET', path: '/sequence/service-info' },
        { method: 'GET', path: `/sequence/old:old3` },
      ];
      const load = autocannon({
        url: `http://127.0.0.1:${server.port}`,
        connections: opts.connections ?? 8,
        duration: opts.seconds,
        requests,
        timeout: 10,
      });
      // The ingest starts a second into the load; new ids are polled until it has finished.
      await new Promise((r) => setTimeout(r, 1000));
      const newIdsBeforeCommit: Record<string, number> = {};
      const ingest = startCli(['ingest', '--store', store, '--naming-authority', 'new', newFa]);
      let exitedAt = 0;
      const ingestDone = ingest.done.then((r) => {
        exitedAt = Date.now();
        return r;
      });
      // Atomic visibility: once any new id has answered 200, the commit has happened, so every
      // request sent after that must find every new id. (The process exits a little after its
      // COMMIT, so 200s before the exit are expected; a 404 after a 200 is not.)
      let first200 = Infinity;
      let lateNotFound = 0;
      while (exitedAt === 0) {
        await Promise.all(
          fresh.map(async (r) => {
            const sent = Date.now();
            const status = await httpGet(server.port, `/sequence/${r.md5}?start=0&end=10`).then(
              (x) => x.status,
              () => -1,
            );
            newIdsBeforeCommit[status] = (newIdsBeforeCommit[status] ?? 0) + 1;
            if (status === 200) first200 = Math.min(first200, Date.now());
            if (status !== 200 && sent > first200) lateNotFound++;
          }),
        );
        await new Promise((r) => setTimeout(r, 10));
      }
      if (lateNotFound > 0)
        problems.push(`${lateNotFound} requests sent after a new id answered 200 did not find another new id`);
      const ing = await ingestDone;
      if (ing.code !== 0) problems.push(`ingest exit ${ing.code}: ${ing.stderr}`);
      // After the commit every new sequence answers at once, with its exact bytes.
      let correct = true;
      for (const r of fresh) {
        const slice = await httpGet(server.port, `/sequence/${r.ga4gh}?start=1000&end=51000`);
        if (slice.status !== 200 || !slice.body.equals(r.text!.subarray(1000, 51_000))) {
          correct = false;
          problems.push(`${r.name}: ${slice.status} after the commit`);
        }
        const alias = await httpGet(server.port, `/sequence/new:${r.name}/metadata`);
        if (alias.status !== 200 || (JSON.parse(alias.body.toString()) as { metadata: { md5: string } }).metadata.md5 !== r.md5) {
          correct = false;
          problems.push(`new:${r.name} metadata ${alias.status}`);
        }
      }
      const msToAnswer = Date.now() - exitedAt;
      const whole = await httpGet(server.port, `/sequence/${fresh[0]!.md5}`);
      if (md5Hex(whole.body) !== fresh[0]!.md5) {
        correct = false;
        problems.push('whole new sequence md5 differs');
      }
      const result = await load;
      const statusesSeen = Object.keys(newIdsBeforeCommit).filter((s) => s !== '404' && s !== '200');
      if (statusesSeen.length > 0) problems.push(`while the ingest ran new ids answered ${statusesSeen.join(', ')}`);
      if (result.errors + result.timeouts + result.non2xx > 0)
        problems.push(`load: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx`);
      if (!server.alive()) problems.push('server died');
      return {
        seed: opts.seed,
        seconds: opts.seconds,
        connections: opts.connections ?? 8,
        ingestMegabases: opts.megabases,
        ingestMs: ing.ms,
        requests: result.requests.total,
        requestsPerSecond: Math.round(result.requests.average),
        errors: result.errors,
        timeouts: result.timeouts,
        non2xx: result.non2xx,
        latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
        newIdsBeforeCommit,
        lateNotFound,
        msFromIngestExitToAllAnswering: msToAnswer,
        newSequencesCorrect: correct,
        serverRssMb: { before: Math.round(rssBefore / 1024), after: Math.round((procStatusKb(server.pid, 'VmRSS') ?? 0) / 1024) },
        problems,
      };
    } finally {
      await server.stop();
    }
  } finally {
    tmp.remove();
  }
}
