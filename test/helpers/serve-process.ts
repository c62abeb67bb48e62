// `refget serve` as a real child process on 127.0.0.1, port 0 (run from the sources through
// tsx), with none of the test runner's own serve settings in its environment.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from './refget-expected.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = ['--import=tsx', join(ROOT, 'src/cli/main.ts')];
const SETTINGS_ENV = [
  'PORT',
  'HOST',
  'REFGET_STORE',
  'CIRCULAR_SUPPORTED',
  'SUBSEQUENCE_LIMIT',
  'LOG_LEVEL',
  'LOG_PRETTY',
  'REFGET_WORKERS',
  'REFGET_SAMPLE',
  'REFGET_MAX_LIST_LIMIT',
  'REFGET_MAX_BATCH_IDS',
  'REFGET_STREAM_BUDGET_MB',
  'REFGET_TOKENS_FILE',
  'REFGET_UPSTREAMS',
  'REFGET_UPSTREAM_TIMEOUT',
  'REFGET_UPSTREAM_NOT_FOUND_TTL',
  'REFGET_UPSTREAM_CONCURRENCY',
];

/** The test's environment without any serve setting, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of SETTINGS_ENV) delete env[name];
  return { ...env, ...extra };
}

export interface Served {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

/** Starts `refget serve` and resolves once `listening` workers have logged their address. */
export async function serve(t: Test, args: string[], listening = 1): Promise<Served> {
  const child = spawn(process.execPath, [...CLI, 'serve', '--host', '127.0.0.1', '--port', '0', ...args], {
    cwd: ROOT,
    env: cleanEnv({ LOG_LEVEL: 'info' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  t.teardown(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await exited;
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within 30 s; stderr: ${err}`)), 30_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const found = [...out.matchAll(/"msg":"Server listening at (http:\/\/127\.0\.0\.1:\d+)"/g)];
      if (found.length >= listening) {
        clearTimeout(timer);
        resolve(found[0]![1]!);
      }
    });
    void exited.then(([code]) => {
      clearTimeout(timer);
      reject(new Error(`serve exited ${code} before listening: ${err}`));
    });
  });
  return { child, url, stdout: () => out, stderr: () => err, exited };
}
