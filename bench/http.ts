// `npm run bench`: refget serve under autocannon, workload by workload, next to nginx serving
// the same sequences as flat files with byte ranges (the machine's limit). Bounded durations,
// 127.0.0.1 only. Prints a table and writes bench/out/http-results.json. Needs `npm run build`.
// Usage: tsx bench/http.ts [--seconds 10] [--connections 50] [--workers N] [--requests 2000] [--chromosome-bases 250000000]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { SequenceStore } from '../src/store/sequence-store.js';
import { rng, writeGenomeRecord, writeProteins } from './generate.js';
import { option } from './cli.js';

const require = createRequire(import.meta.url);
// autocannon ships no types; the few fields used here are typed at the call sites.
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<AutocannonResult>;
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
  throughput: Stat;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  duration: number;
}

const seconds = Number(option('--seconds', '10'));
const connections = Number(option('--connections', '50'));
const workers = option('--workers', String(cpus().length));
const chromBases = Number(option('--chromosome-bases', '250000000'));
/** Distinct random requests per workload (each connection cycles through the same list). */
const REQUESTS = Number(option('--requests', '2000'));
const out = resolve(option('--dir', 'bench/out/http'));
const store = join(out, 'store');
const flat = join(out, 'flat');

async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as { port: number }).port;
  srv.close();
  return port;
}

async function prepare(): Promise<void> {
  if (existsSync(join(out, 'ready'))) return;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(flat, { recursive: true });
  const rand = rng(2026);
  const genome = join(out, 'genome.fa');
  const g = createWriteStream(genome);
  await writeGenomeRecord(g, 'chrA', chromBases, rand);
  await writeGenomeRecord(g, 'chrB', chromBases, rand);
  g.end();
  await once(g, 'finish');
  const p = createWriteStream(join(out, 'proteins.fa'));
  await writeProteins(p, 100_000, rand);
  p.end();
  await once(p, 'finish');
  const ingest = spawnSync(
    'node',
    [
      'dist/cli/main.js',
      'ingest',
      '--no-progress',
      '--store',
      store,
      '--naming-authority',
      'bench',
      genome,
      join(out, 'proteins.fa'),
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (ingest.status !== 0) throw new Error('ingest failed');
  // The baseline's files: each chromosome's normalised sequence, named by md5, as nginx will serve it.
  const s = SequenceStore.open(store);
  for (const rec of s.allSequences()) {
    if (rec.length < 1_000_000) continue;
    const w = createWriteStream(join(flat, rec.md5));
    for await (const block of s.streamRange(rec, 0, rec.length)) if (!w.write(block)) await once(w, 'drain');
    w.end();
    await once(w, 'finish');
  }
  s.close();
  rmSync(genome);
  writeFileSync(join(out, 'ready'), '');
}

/**
 * Peak RSS (MB) over a process tree, sampled every 100 ms while `during` runs. The tree is listed
 * once (one `ps`); samples read /proc/PID/statm, which costs the machine next to nothing (a `ps`
 * per sample took 10-20 % of a core from the server being measured).
 */
async function withPeakRss<T>(rootPid: number, during: () => Promise<T>): Promise<{ result: T; peakRssMb: number }> {
  const ps = spawnSync('ps', ['-o', 'pid=', '--ppid', String(rootPid)], { encoding: 'utf8' });
  const pids = [
    rootPid,
    ...ps.stdout
      .trim()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map(Number),
  ];
  const pageMb = 4096 / 1024 / 1024;
  let peak = 0;
  const sample = (): void => {
    // The largest single process (each worker is held to the RSS target on its own).
    for (const pid of pids) {
      try {
        peak = Math.max(peak, Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * pageMb);
      } catch {
        /* exited */
      }
    }
  };
  const timer = setInterval(sample, 100);
  try {
    const result = await during();
    sample();
    return { result, peakRssMb: Math.round(peak) };
  } finally {
    clearInterval(timer);
  }
}

interface Row {
  workload: string;
  server: string;
  reqPerSec: number;
  MBps: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  non2xx: number;
  peakRssMb?: number;
}

function row(workload: string, server: string, r: AutocannonResult, peakRssMb?: number): Row {
  return {
    workload,
    server,
    reqPerSec: Math.round(r.requests.average),
    MBps: +(r.throughput.average / 1e6).toFixed(1),
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    ...(peakRssMb === undefined ? {} : { peakRssMb }),
  };
}

/** `parallel` curl processes each downloading `url` repeatedly for `seconds`: aggregate MB/s. */
async function downloads(url: string, parallel = 2): Promise<Omit<Row, 'workload' | 'server'>> {
  const until = Date.now() + seconds * 1000;
  const times: number[] = [];
  let bytes = 0;
  let errors = 0;
  const began = Date.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (Date.now() < until) {
        const t0 = Date.now();
        const curl = spawn('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code} %{size_download}', url], {
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        let text = '';
        curl.stdout.on('data', (d: Buffer) => {
          text += d.toString();
        });
        await once(curl, 'exit');
        const [code, size] = text.split(' ');
        if (code !== '200') errors++;
        bytes += Number(size) || 0;
        times.push(Date.now() - t0);
      }
    }),
  );
  const wall = (Date.now() - began) / 1000;
  times.sort((a, b) => a - b);
  return {
    reqPerSec: +(times.length / wall).toFixed(2),
    MBps: Math.round(bytes / 1e6 / wall),
    p50: times[Math.floor(times.length / 2)] ?? 0,
    p99: times[Math.floor(times.length * 0.99)] ?? 0,
    max: times.at(-1) ?? 0,
    errors,
    non2xx: errors,
  };
}

async function main(): Promise<void> {
  if (!existsSync('dist/cli/main.js')) throw new Error('run `npm run build` first');
  await prepare();
  const s = SequenceStore.open(store);
  const all = [...s.allSequences()];
  s.close();
  const chroms = all.filter((r) => r.length >= 1_000_000);
  const chrom = chroms[0]!;
  const proteins = all.filter((r) => r.length < 1_000_000);
  const rand = rng(1);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const sliceStart = (): number => Math.floor(rand() * (chrom.length - 100));

  const port = await freePort();
  const server: ChildProcess = spawn(
    'node',
    ['dist/cli/main.js', 'serve', '--store', store, '--port', String(port), '--workers', workers],
    {
      env: { ...process.env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/service-info`)).ok) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  let nginx: ChildProcess | undefined;
  let nginxBase: string | undefined;
  const nginxBin = ['/usr/sbin/nginx', '/usr/bin/nginx'].find(existsSync);
  if (nginxBin) {
    const nport = await freePort();
    const conf = join(out, 'nginx.conf');
    writeFileSync(
      conf,
      `worker_processes ${workers}; daemon off; pid ${out}/nginx.pid; error_log ${out}/nginx-error.log;
events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nopush on; default_type text/plain;
  client_body_temp_path ${out}/nginx-tmp; proxy_temp_path ${out}/nginx-tmp; fastcgi_temp_path ${out}/nginx-tmp; uwsgi_temp_path ${out}/nginx-tmp; scgi_temp_path ${out}/nginx-tmp;
  server { listen 127.0.0.1:${nport}; root ${flat}; location / { } } }\n`,
    );
    mkdirSync(join(out, 'nginx-tmp'), { recursive: true });
    nginx = spawn(nginxBin, ['-c', conf, '-p', out], { stdio: 'inherit' });
    nginxBase = `http://127.0.0.1:${nport}`;
    await new Promise((r) => setTimeout(r, 500));
  } else {
    process.stderr.write('nginx is not installed (apt-get install nginx): refget figures only\n');
  }

  const rows: Row[] = [];
  const run = async (workload: string, opts: Record<string, unknown>, nginxOpts?: Record<string, unknown>): Promise<void> => {
    const measured = await withPeakRss(server.pid!, () => autocannon({ connections, duration: seconds, ...opts }));
    rows.push(row(workload, 'refget', measured.result, measured.peakRssMb));
    if (nginxBase && nginxOpts)
      rows.push(row(workload, 'nginx', await autocannon({ connections, duration: seconds, ...nginxOpts })));
  };
  const slicePath = (): string => {
    const st = sliceStart();
    return `/sequence/${chrom.md5}?start=${st}&end=${st + 100}`;
  };
  const rangeHeader = (): string => {
    const st = sliceStart();
    return `bytes=${st}-${st + 99}`;
  };
  // Each workload is a fixed list of REQUESTS random requests that every connection cycles
  // through. autocannon builds those once per connection (so the list stays short: 50 x 10,000
  // builds delayed the first requests by seconds); a per-request setupRequest() callback instead
  // costs the client more than nginx spends answering (nginx: 29k req/s with it, 49k without),
  // and the client shares the server's two cores. The protein workload keeps a fresh random id
  // per request (setupRequest), since its point is cold-ish index and pack access.
  const list = (make: () => { path: string; headers?: Record<string, string> }): { requests: Record<string, unknown>[] } => ({
    requests: Array.from({ length: REQUESTS }, () => ({ method: 'GET', ...make() })),
  });
  const ranges = (path: string): { requests: Record<string, unknown>[] } =>
    list(() => ({ path, headers: { range: rangeHeader() } }));

  await run(
    '100-base slices (start/end)',
    { url: base, ...list(() => ({ path: slicePath() })) },
    { url: nginxBase, ...ranges(`/${chrom.md5}`) },
  );
  await run(
    '100-base slices (Range)',
    { url: base, ...ranges(`/sequence/${chrom.md5}`) },
    { url: nginxBase, ...ranges(`/${chrom.md5}`) },
  );
  await run('metadata by md5', { url: base, ...list(() => ({ path: `/sequence/${pick(all).md5}/metadata` })) });
  // Whole-sequence downloads: autocannon's JS client is the bottleneck for 250 MB bodies, so
  // curl processes (discarding the body) drive this one.
  const whole = `whole ${Math.round(chrom.length / 1e6)} Mbp sequence`;
  const measuredWhole = await withPeakRss(server.pid!, () => downloads(`${base}/sequence/${chrom.md5}`));
  rows.push({ workload: whole, server: 'refget', ...measuredWhole.result, peakRssMb: measuredWhole.peakRssMb });
  if (nginxBase) rows.push({ workload: whole, server: 'nginx', ...(await downloads(`${nginxBase}/${chrom.md5}`)) });
  await run('mix 70% slices / 20% metadata / 10% 1 Mbp', {
    url: base,
    ...list(() => {
      const r = rand();
      if (r < 0.7) return { path: slicePath() };
      if (r < 0.9) return { path: `/sequence/${pick(all).md5}/metadata` };
      const st = Math.floor(rand() * (chrom.length - 1_000_000));
      return { path: `/sequence/${chrom.md5}?start=${st}&end=${st + 1_000_000}` };
    }),
  });
  await run('random proteins (100k ids, random per request)', {
    url: base,
    requests: [{ setupRequest: (req: { path: string }) => ({ ...req, path: `/sequence/${pick(proteins).md5}` }) }],
  });

  server.kill('SIGTERM');
  nginx?.kill('SIGTERM');
  await once(server, 'exit');

  const ratios = rows
    .filter((r) => r.server === 'refget')
    .map((r) => {
      const n = rows.find((x) => x.server === 'nginx' && x.workload === r.workload);
      return n
        ? {
            workload: r.workload,
            reqPerSecVsNginx: +(r.reqPerSec / n.reqPerSec).toFixed(2),
            MBpsVsNginx: +(r.MBps / n.MBps).toFixed(2),
          }
        : undefined;
    })
    .filter((x) => x !== undefined);
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  const result = {
    date: new Date().toISOString(),
    commit,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    settings: {
      seconds,
      connections,
      workers: Number(workers),
      requestsPerList: REQUESTS,
      chromosomes: chroms.length,
      chromosomeBases: chrom.length,
      proteins: proteins.length,
    },
    rows,
    ratios,
  };
  console.table(rows);
  console.table(ratios);
  writeFileSync(join(out, '..', 'http-results.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`wrote ${join(out, '..', 'http-results.json')}\n`);
}

await main();
if (existsSync(join(out, 'nginx.pid'))) {
  const pid = Number(readFileSync(join(out, 'nginx.pid'), 'utf8'));
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    /* gone */
  }
}
