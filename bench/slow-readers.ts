// `npm run bench:slow-readers`: N clients (default 300) each download a 6 Mbp sequence and read
// it at ~10 kB/s. Prints the server's RSS every second, how many downloads were admitted (200)
// or refused (503 past the stream budget), how long a well-behaved client waits for /healthz and
// a 100-base slice meanwhile, and the RSS once the slow clients have left (all processes of the
// server together). Baseline: the server's RSS before the clients connect. Needs `npm run build`.
// Usage: tsx bench/slow-readers.ts [--clients 300] [--seconds 20] [--workers 2]
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { bigStore } from './big-store.js';
import { option, processTreeRssMb, waitUntilServing } from './cli.js';

const clients = Number(option('--clients', '300'));
const seconds = Number(option('--seconds', '20'));
const workers = option('--workers', '2');
const { store, md5 } = bigStore();
const port = 20000 + Math.floor(Math.random() * 20000);
const server = spawn(
  'node',
  [resolve('dist/cli/main.js'), 'serve', '--workers', workers, '--store', store, '--port', String(port), '--host', '127.0.0.1'],
  { env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: 'ignore' },
);
/** RSS of the primary and its workers together. */
const rssMb = (): number => processTreeRssMb(server.pid!).reduce((a, b) => a + b, 0);
const timed = async (path: string): Promise<number | string> => {
  const t0 = performance.now();
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    return res.status === 200 ? Math.round(performance.now() - t0) : `status ${res.status}`;
  } catch (err) {
    return (err as Error).name;
  }
};

await waitUntilServing(port);
const before = rssMb();
const statuses = new Map<string, number>();
const sockets: Socket[] = [];
for (let i = 0; i < clients; i++) {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.pause();
  socket.write(`GET /sequence/${md5} HTTP/1.1\r\nHost: bench\r\n\r\n`);
  let first = true;
  // ~10 kB/s: 1 kB every 100 ms, taken from the stream's buffer; the rest waits in the kernel.
  const timer = setInterval(() => {
    const chunk = socket.read(1024) as Buffer | null;
    if (chunk !== null && first) {
      first = false;
      const status = chunk.toString('latin1', 9, 12);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  }, 100);
  socket.on('close', () => clearInterval(timer));
  sockets.push(socket);
}
const samples: { s: number; rssMb: number; healthzMs: number | string; sliceMs: number | string }[] = [];
for (let s = 1; s <= seconds; s++) {
  await new Promise((r) => setTimeout(r, 1000));
  samples.push({
    s,
    rssMb: rssMb(),
    healthzMs: await timed('/healthz'),
    sliceMs: await timed(`/sequence/${md5}?start=100&end=200`),
  });
  process.stderr.write(`${JSON.stringify(samples.at(-1))}\n`);
}
for (const socket of sockets) socket.destroy();
// RSS 2, 5 and 10 s after the clients left.
const after: number[] = [];
for (const wait of [2000, 3000, 5000]) {
  await new Promise((r) => setTimeout(r, wait));
  after.push(rssMb());
}
server.kill('SIGTERM');
await once(server, 'exit');
const peak = Math.max(...samples.map((x) => x.rssMb));
process.stdout.write(
  `${JSON.stringify(
    {
      clients,
      workers,
      seconds,
      responses: Object.fromEntries(statuses),
      rssBeforeMb: before,
      rssPeakMb: peak,
      perAdmittedReaderKb: Math.round(((peak - before) * 1024) / Math.max(1, statuses.get('200') ?? 0)),
      rssAfter2s5s10sMb: after,
      probes: samples,
    },
    null,
    2,
  )}\n`,
);
