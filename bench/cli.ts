// What the benchmark scripts share: reading `--name value` options, waiting for a spawned server
// to answer, timing a command under GNU time, and the RSS of a server's processes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';

/**
 * The environment timed children run with. This development VM exports NODE_EXTRA_CA_CERTS (for
 * its registry proxy), which makes every Node process parse a CA bundle at start-up (~70 ms
 * here). It is not part of refget and a deployment would not have it, so it is left out.
 */
export const benchEnv: NodeJS.ProcessEnv = { ...process.env };
export const unsetInBenchEnv = 'NODE_EXTRA_CA_CERTS' in benchEnv ? ['NODE_EXTRA_CA_CERTS'] : [];
delete benchEnv.NODE_EXTRA_CA_CERTS;

/**
 * Runs a command under GNU time (in benchEnv): wall seconds, peak RSS (MB), exit status, stdout.
 * Throws on a non-zero exit unless `check` is false.
 */
export function timedRun(
  cmd: string,
  args: string[],
  check = true,
): { seconds: number; peakRssMb: number; status: number | null; stdout: string } {
  const began = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, env: benchEnv });
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  if (check && r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  const kb = Number(r.stderr.trim().split('\n').pop());
  return { seconds, peakRssMb: Math.round(kb / 1024), status: r.status, stdout: r.stdout };
}

/** RSS (MB) of a process and of each of its children (a cluster's primary and workers); 0 for one that just exited. */
export function processTreeRssMb(pid: number): number[] {
  // With one worker the server runs in the process itself: pgrep then finds no child (exit 1).
  const children = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')
    .filter(Boolean);
  return [String(pid), ...children].map((p) => {
    try {
      return Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))![1]) / 1024);
    } catch {
      return 0;
    }
  });
}

/** The value after `name` on the command line, or `def`. */
export function option(name: string, def: string): string {
  const args = process.argv.slice(2);
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : def;
}

/** Resolves once GET /healthz on 127.0.0.1:port answers 200 (polled every 50 ms, at most 10 s). */
export async function waitUntilServing(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no server answered on port ${port} within 10 s`);
}

/**
 * `refget serve` (the built CLI) on the store, bound to 127.0.0.1 on a random high port, with
 * `workers` processes and warn-level logs; resolves once it answers.
 */
export async function serveStore(
  store: string,
  workers = 1,
  extraArgs: string[] = [],
): Promise<{ server: ChildProcess; port: number; base: string }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const args = [
    'serve',
    '--workers',
    String(workers),
    '--store',
    store,
    '--port',
    String(port),
    '--host',
    '127.0.0.1',
    ...extraArgs,
  ];
  const server = spawn('node', [resolve('dist/cli/main.js'), ...args], {
    env: { ...benchEnv, LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  await waitUntilServing(port);
  return { server, port, base: `http://127.0.0.1:${port}` };
}
