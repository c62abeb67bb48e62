// `refget serve --workers N`: N processes share the port (node:cluster), so every core serves.
// The primary hands out connections round-robin (SCHED_RR): measured here, letting the kernel
// pick (SCHED_NONE) often gave both of two parallel downloads, or most keep-alive connections,
// to one worker (two parallel 250 Mbp downloads, two rounds of three: 0.69-1.06 s each against
// 0.39-0.76 s). A worker that dies is replaced without touching the others; SIGTERM/SIGINT stop
// all of them gracefully and exit 0.
import cluster from 'node:cluster';
import { serveClusterMetrics } from '../http/metrics.js';
import { DAMAGE_ELSEWHERE, DAMAGE_FOUND } from '../server.js';
import { clusterPolicyFromEnv, workerEnvFromEnv } from '../config.js';

export interface ClusterOptions {
  workers: number;
  /** what each worker runs (the single-process server) */
  runWorker: () => Promise<unknown>;
  /** run once in the primary of a cluster, before the workers start */
  onPrimary?: () => void;
  log: (message: string) => void;
}

const WORKER_V8_FLAGS = ['--max-semi-space-size=4'];

/** Runs the server in this process (workers ≤ 1, or inside a worker) or as a cluster primary. */
export async function runClustered(options: ClusterOptions): Promise<void> {
  if (options.workers <= 1 || cluster.isWorker) {
    await options.runWorker();
    return;
  }
  // Node's own NODE_CLUSTER_SCHED_POLICY=none still selects the kernel's choice.
  if (!clusterPolicyFromEnv()) cluster.schedulingPolicy = cluster.SCHED_RR;
  options.onPrimary?.();
  serveClusterMetrics(); // GET /metrics on any worker reports the sum over all workers
  // A worker's garbage is short-lived request state: a 4 MiB young generation (V8's default
  // is 16) kept a worker's RSS 12-15 MB lower after 8 s of slices at the same request rate
  // (wrk, 50 connections). Listed first, so a flag given to node itself still wins.
  cluster.setupPrimary({ execArgv: [...WORKER_V8_FLAGS, ...process.execArgv] });
  let stopping = false;
  const recentCrashes: number[] = [];
  const workerEnv = workerEnvFromEnv();
  const fork = (): void => {
    cluster.fork(workerEnv);
  };
  // Damage one worker finds in the shared store is damage for all: each one's /readyz fails.
  cluster.on('message', (from, msg: { type?: unknown; detail?: unknown }) => {
    if (msg?.type !== DAMAGE_FOUND) return;
    for (const w of Object.values(cluster.workers ?? {}))
      if (w !== undefined && w.id !== from.id) w.send({ type: DAMAGE_ELSEWHERE, detail: msg.detail });
  });
  const listened = new Set<number>();
  cluster.on('listening', (worker) => {
    listened.add(worker.id);
  });
  let failed = false;
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(failed ? 1 : 0);
      return;
    }
    // A worker that exits before it listened failed at start (bad setting, port taken, store
    // missing or damaged; it printed why): a replacement would fail the same way.
    if (!listened.has(worker.id)) {
      options.log(`a worker could not start (exit ${signal ?? code}); stopping`);
      stopping = true;
      failed = true;
      const others = Object.values(cluster.workers ?? {});
      if (others.length === 0) process.exit(1);
      // The others are starting too and serve nothing yet: stop them at once, and exit once they
      // are gone (exiting first cuts their channel mid-message, and each prints an EPIPE trace).
      for (const other of others) other?.process.kill('SIGKILL');
      setTimeout(() => process.exit(1), 5_000).unref();
      return;
    }
    options.log(`worker ${worker.process.pid} exited (${signal ?? code}); starting a replacement`);
    const now = Date.now();
    recentCrashes.push(now);
    while (recentCrashes.length > 0 && recentCrashes[0]! < now - 10_000) recentCrashes.shift();
    // A worker that cannot start at all (bad store, port taken) would crash-loop: give up.
    if (recentCrashes.length > 5 * options.workers) {
      options.log('workers keep exiting; stopping');
      process.exit(1);
    }
    fork();
  });
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    options.log(`${signal}: stopping ${options.workers} workers`);
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    setTimeout(() => process.exit(1), 15_000).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  for (let i = 0; i < options.workers; i++) fork();
}
