// `npm run bench:pipelining`: a hostile client that pipelines thousands of GETs of a 6 Mbp
// sequence on one connection and never reads. Prints the server's RSS every second for the
// given seconds, and how long a second, well-behaved client waits for /healthz and for a
// 100-base slice meanwhile. The baseline is the server's RSS before the attack.
// Needs `npm run build`; runs `dist/` (or --dist DIR, to compare another build).
// Usage: tsx bench/pipelining.ts [--requests 20000] [--seconds 15] [--dist dist]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { bigStore } from './big-store.js';
import { option, waitUntilServing } from './cli.js';

const requests = Number(option('--requests', '20000'));
const seconds = Number(option('--seconds', '15'));
const dist = resolve(option('--dist', 'dist'));
const { store, md5 } = bigStore();

const port = 20000 + Math.floor(Math.random() * 20000);
const server = spawn('node', [join(dist, 'cli/main.js'), 'serve', '--workers', '1', '--store', store, '--port', String(port)], {
  env: { ...process.env, LOG_LEVEL: 'warn' },
  stdio: 'ignore',
});
const rssMb = (): number => {
  const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
};
const timed = async (path: string): Promise<string> => {
  const t0 = Date.now();
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    return `${res.status} in ${Date.now() - t0} ms`;
  } catch (err) {
    return `${(err as Error).name} after ${Date.now() - t0} ms`;
  }
};
await waitUntilServing(port);
const before = rssMb();
const socket = connect(port, '127.0.0.1');
await once(socket, 'connect');
socket.on('error', () => {});
socket.pause(); // never read
const request = `GET /sequence/${md5} HTTP/1.1\r\nHost: x\r\n\r\n`;
socket.write(request.repeat(requests));
const samples: { s: number; rssMb: number; healthz: string; slice: string }[] = [];
for (let s = 1; s <= seconds; s++) {
  await new Promise((r) => setTimeout(r, 1000));
  samples.push({ s, rssMb: rssMb(), healthz: await timed('/healthz'), slice: await timed(`/sequence/${md5}?start=100&end=200`) });
}
socket.destroy();
await new Promise((r) => setTimeout(r, 2000));
const after = rssMb();
server.kill();
console.log(
  JSON.stringify(
    {
      dist,
      requests,
      seconds,
      rssBeforeMb: before,
      samples,
      rssAfterClientLeftMb: after,
      peakGrowthMb: Math.max(...samples.map((x) => x.rssMb)) - before,
    },
    null,
    1,
  ),
);
