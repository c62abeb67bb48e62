// `npm run bench:scale`: a store of many short records in two overlapping collections (seeded,
// bench/scale-data.ts), and what grows with it, each beside a baseline measured in the same run:
// - ingest of collection A: time and peak RSS, against the sqlite3 shell restoring the same rows
//   into the same schema (.dump of the ingested index, then a timed restore);
// - level 2 of A, the comparison A vs B, a deep member page and an alias-free listing, each with
//   the server's peak RSS and the latency of small requests sent every 50 ms meanwhile (none may
//   be refused); baseline: the sqlite3 shell reading the same member rows.
// - random-id metadata rate against the rate for one repeated id.
// Needs `npm run build` and the sqlite3 shell. Usage: tsx bench/scale.ts [--records 1000000]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { option, processTreeRssMb, serveStore, timedRun } from './cli.js';
import { writeScaleFasta } from './scale-data.js';

// autocannon ships no types; the one field used here is typed at the call site.
const autocannon = createRequire(import.meta.url)('autocannon') as (
  opts: Record<string, unknown>,
) => Promise<{ requests: { average: number } }>;

const records = Number(option('--records', '1000000'));
const dir = resolve('bench/out/scale');
const store = join(dir, `store-${records}`);
const cli = resolve('dist/cli/main.js');
const figures: Record<string, unknown> = { records, machine: `${(await import('node:os')).cpus().length} cores` };

if (!existsSync(join(store, 'ready.json'))) {
  rmSync(store, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const a = join(dir, 'a.fa');
  const b = join(dir, 'b.fa');
  await writeScaleFasta(a, b, records, 7);
  const ingestA = timedRun('node', [cli, 'ingest', '--no-progress', '--store', store, a]);
  // Baseline: the same rows into the same schema by the sqlite3 shell (dump not timed).
  const dump = join(dir, 'dump.sql');
  execFileSync('sh', ['-c', `sqlite3 '${join(store, 'index.sqlite3')}' .dump > '${dump}'`]);
  const base = join(dir, 'baseline.sqlite3');
  rmSync(base, { force: true });
  const restore = timedRun('sh', ['-c', `sqlite3 '${base}' < '${dump}'`]);
  rmSync(dump);
  rmSync(base);
  const ingestB = timedRun('node', [cli, 'ingest', '--no-progress', '--store', store, b]);
  rmSync(a);
  rmSync(b);
  const ingest = {
    ingestA: { seconds: +ingestA.seconds.toFixed(2), peakRssMb: ingestA.peakRssMb },
    sqlite3Restore: { seconds: +restore.seconds.toFixed(2) },
    ratio: +(ingestA.seconds / restore.seconds).toFixed(2),
    ingestB: { seconds: +ingestB.seconds.toFixed(2), peakRssMb: ingestB.peakRssMb },
  };
  writeFileSync(join(store, 'ready.json'), JSON.stringify(ingest));
}
figures.ingest = JSON.parse(readFileSync(join(store, 'ready.json'), 'utf8'));

const sql = (query: string): string =>
  execFileSync('sqlite3', [join(store, 'index.sqlite3'), query], { encoding: 'utf8', maxBuffer: 1 << 30 });
const [digestA, digestB] = sql('SELECT digest FROM collections ORDER BY id').trim().split('\n');
const md5s = sql(`SELECT md5 FROM sequences WHERE id % ${Math.max(1, Math.floor(records / 20000))} = 0`)
  .trim()
  .split('\n');

const { server, base } = await serveStore(store);
// The serving process is the largest of the tree (a primary only forks).
const rssMb = (): number => Math.max(...processTreeRssMb(server.pid!));

/** Runs one heavy request while probing small ones every 50 ms; reports time, bytes, RSS, probe latency. */
async function heavy(name: string, url: string): Promise<void> {
  const before = rssMb();
  let peak = before;
  const probes: number[] = [];
  let refused = 0;
  let done = false;
  const prober = (async () => {
    while (!done) {
      const t0 = performance.now();
      const res = await fetch(`${base}/sequence/${md5s[probes.length % md5s.length]}/metadata`);
      await res.arrayBuffer();
      if (res.status !== 200) refused++;
      probes.push(performance.now() - t0);
      peak = Math.max(peak, rssMb());
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const t0 = performance.now();
  const res = await fetch(base + url);
  let bytes = 0;
  for await (const chunk of res.body!) bytes += (chunk as Uint8Array).length;
  const seconds = (performance.now() - t0) / 1000;
  done = true;
  await prober;
  probes.sort((x, y) => x - y);
  figures[name] = {
    status: res.status,
    seconds: +seconds.toFixed(2),
    mb: +(bytes / 1e6).toFixed(1),
    serverRssMb: { before, peak, growth: peak - before },
    smallRequests: {
      n: probes.length,
      refused,
      p99Ms: +(probes[Math.floor(probes.length * 0.99)] ?? 0).toFixed(1),
      maxMs: +(probes.at(-1) ?? 0).toFixed(1),
    },
  };
  process.stderr.write(`${name}: ${JSON.stringify(figures[name])}\n`);
}

const baselineRows = timedRun('sqlite3', [
  join(store, 'index.sqlite3'),
  `SELECT m.name, s.length, s.ga4gh FROM collection_members m JOIN sequences s ON s.id = m.sequence_id WHERE m.collection_id = 1 ORDER BY m.position`,
]);
figures.sqlite3MemberRows = { seconds: +baselineRows.seconds.toFixed(2), mb: +(baselineRows.stdout.length / 1e6).toFixed(1) };
await heavy('level2', `/collection/${digestA}`);
await heavy('comparison', `/comparison/${digestA}/${digestB}`);
await heavy('memberPageDeep', `/collections/${digestA}/sequences?limit=1000&offset=${records - 1000}`);

// Metadata by random id against one repeated id, 5 s each.
const rate = async (ids: string[]): Promise<number> => {
  let i = 0;
  const r = await autocannon({
    url: base,
    connections: 20,
    duration: 5,
    requests: [
      { setupRequest: (req: Record<string, unknown>) => ({ ...req, path: `/sequence/${ids[i++ % ids.length]}/metadata` }) },
    ],
  });
  return Math.round(r.requests.average);
};
const randomIds = [...md5s].sort(() => Math.random() - 0.5);
const one = await rate([md5s[0]!]);
const random = await rate(randomIds);
figures.metadata = { repeatedIdReqPerS: one, randomIdReqPerS: random, ratio: +(random / one).toFixed(2) };

server.kill('SIGTERM');
await once(server, 'exit');
process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
