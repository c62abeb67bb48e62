// Slow and idle clients against a real server: slowloris connections (headers trickled in),
// clients that request a long sequence and never read it, and many idle connections. All must
// be cut by the server's timeouts, memory must stay bounded, and normal requests must still be
// answered meanwhile. The quick test runs an in-process server with the timeouts shortened; the
// long run uses `refget serve` with its real ones (headers 10 s, idle 30 s).
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { buildApp } from '../../../src/app.js';
import { SequenceStore } from '../../../src/store/sequence-store.js';
import type { ServerConfig } from '../../../src/config.js';
import { httpGet, makeTempDir, procStatusKb, runCli, startServerChild, writeGenome } from './common.js';

export interface LimitFigures {
  mode: 'in-process (shortened timeouts)' | 'refget serve (real timeouts)';
  timeouts: { headersMs: number; idleMs: number };
  slowloris: { opened: number; cut: number; got408: number; maxMsToCut: number };
  slowReaders: { opened: number; cut: number; maxMsToCut: number };
  idle: { opened: number; cut: number; maxMsToCut: number };
  healthDuringAttack: { ok: number; failed: number };
  rssMb: { before: number; peak: number; after: number; perIdleConnectionKb: number };
  problems: string[];
}

interface Tracked {
  socket: Socket;
  opened: number;
  closedAt: number;
  data: string;
  bytes: number;
}

function track(port: number, onConnect: (s: Socket) => void): Tracked {
  const socket = connect(port, '127.0.0.1');
  const t: Tracked = { socket, opened: Date.now(), closedAt: 0, data: '', bytes: 0 };
  socket.on('connect', () => onConnect(socket));
  socket.on('data', (d: Buffer) => {
    t.bytes += d.length;
    if (t.data.length < 200) t.data += d.toString('latin1').slice(0, 200);
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    t.closedAt = Date.now();
  });
  return t;
}

export async function runResourceLimits(opts: {
  real: boolean;
  slowloris: number;
  slowReaders: number;
  idle: number;
  seed: number;
}): Promise<LimitFigures> {
  const tmp = makeTempDir('refget-limits-');
  const timers: NodeJS.Timeout[] = [];
  const sockets: Tracked[] = [];
  let stop: () => Promise<void> = async () => undefined;
  try {
    const store = join(tmp.dir, 'store');
    const [big] = writeGenome(join(tmp.dir, 'g.fa'), opts.seed, [{ name: 'big', length: 24_000_000 }]);
    if ((await runCli(['ingest', '--store', store, join(tmp.dir, 'g.fa')])).code !== 0) throw new Error('ingest failed');
    let port: number;
    let rss: () => number;
    const timeouts = opts.real ? { headersMs: 10_000, idleMs: 30_000 } : { headersMs: 1000, idleMs: 1500 };
    if (opts.real) {
      const server = await startServerChild(store);
      port = server.port;
      rss = () => procStatusKb(server.pid, 'VmRSS') ?? 0;
      stop = server.stop;
    } else {
      const config: ServerConfig = {
        host: '127.0.0.1',
        port: 0,
        storeDir: store,
        circularSupported: true,
        subsequenceLimit: null,
        logLevel: 'silent',
        prettyLogs: false,
        maxListLimit: 1000,
        maxBatchIds: 100,
      };
      const app = await buildApp({ store: SequenceStore.open(store), config, logger: false, closeStore: true, overload: false });
      // The production values, shortened so the test takes seconds; the check interval is the
      // Node option that drives the header/request timeouts (30 s by default).
      app.server.headersTimeout = timeouts.headersMs;
      app.server.requestTimeout = timeouts.headersMs * 2;
      app.server.timeout = timeouts.idleMs;
      (app.server as unknown as { connectionsCheckingInterval: number }).connectionsCheckingInterval = 100;
      await app.listen({ host: '127.0.0.1', port: 0 });
      port = (app.server.address() as { port: number }).port;
      rss = () => process.memoryUsage().rss / 1024;
      stop = () => app.close();
    }
    const problems: string[] = [];
    global.gc?.();
    const before = rss();
    let peak = before;
    timers.push(
      setInterval(() => {
        peak = Math.max(peak, rss());
      }, 50),
    );

    // Idle connections first (memory per connection), then the slow clients. They are opened
    // 100 at a time: a burst of thousands of SYNs overflows the listen backlog, and the kernel's
    // SYN retries would then measure the OS, not the server.
    const idle: Tracked[] = [];
    for (let i = 0; i < opts.idle; i += 100) {
      const wave = Array.from({ length: Math.min(100, opts.idle - i) }, () => track(port, () => undefined));
      idle.push(...wave);
      await Promise.all(
        wave.map(
          (t) =>
            new Promise<void>((res) => {
              t.socket.once('connect', () => res());
              t.socket.once('close', () => res());
            }),
        ),
      );
    }
    await new Promise((r) => setTimeout(r, 500));
    const perIdleKb = opts.idle > 0 ? Math.max(0, rss() - before) / opts.idle : 0;
    const slowloris = Array.from({ length: opts.slowloris }, (_, i) =>
      track(port, (s) => {
        s.write(`GET /sequence/${big!.md5}?start=${i}&end=${i + 10} HTTP/1.1\r\nHost: x\r\n`);
        const tick = setInterval(
          () => {
            if (!s.destroyed) s.write(`X-Slow-${Date.now()}: 1\r\n`);
            else clearInterval(tick);
          },
          Math.max(100, timeouts.headersMs / 5),
        );
        timers.push(tick);
      }),
    );
    // A paused socket never reports the server's close; once the idle timeout has long passed,
    // read what is buffered: a cut connection then closes short of the 24 MB body, while one
    // the server kept would deliver all of it and stay open (keep-alive).
    const readers = Array.from({ length: opts.slowReaders }, () =>
      track(port, (s) => {
        s.write(`GET /sequence/${big!.md5} HTTP/1.1\r\nHost: x\r\n\r\n`);
        s.pause(); // not reading: the response stalls in the socket buffers
        // Node closes a stalled response between one and two idle timeouts after it stalls.
        timers.push(setTimeout(() => s.resume(), 2 * timeouts.idleMs + (opts.real ? 10_000 : 2000)));
      }),
    );

    // Normal requests keep being answered meanwhile.
    const health = { ok: 0, failed: 0 };
    const deadline = Date.now() + Math.max(timeouts.headersMs, timeouts.idleMs) * 2 + (opts.real ? 40_000 : 4000);
    const all = [...idle, ...slowloris, ...readers];
    sockets.push(...all);
    while (Date.now() < deadline && all.some((t) => t.closedAt === 0)) {
      const r = await httpGet(port, `/sequence/${big!.md5}?start=5&end=15`).then(
        (x) => x.status,
        () => 0,
      );
      if (r === 200) health.ok++;
      else health.failed++;
      await new Promise((res) => setTimeout(res, 200));
    }
    const after = rss();
    const summary = (ts: Tracked[]): { opened: number; cut: number; maxMsToCut: number } => ({
      opened: ts.length,
      cut: ts.filter((t) => t.closedAt > 0).length,
      maxMsToCut: Math.max(0, ...ts.filter((t) => t.closedAt > 0).map((t) => t.closedAt - t.opened)),
    });
    const figures: LimitFigures = {
      mode: opts.real ? 'refget serve (real timeouts)' : 'in-process (shortened timeouts)',
      timeouts,
      slowloris: { ...summary(slowloris), got408: slowloris.filter((t) => t.data.startsWith('HTTP/1.1 408')).length },
      slowReaders: { ...summary(readers.filter((r) => r.bytes < big!.length)), opened: readers.length },
      idle: summary(idle),
      healthDuringAttack: health,
      rssMb: {
        before: Math.round(before / 1024),
        peak: Math.round(peak / 1024),
        after: Math.round(after / 1024),
        perIdleConnectionKb: Math.round(perIdleKb * 10) / 10,
      },
      problems,
    };
    for (const [name, s] of [
      ['slowloris', figures.slowloris],
      ['slow readers', figures.slowReaders],
      ['idle', figures.idle],
    ] as const) {
      if (s.cut !== s.opened) problems.push(`${s.opened - s.cut} of ${s.opened} ${name} connections were not cut`);
    }
    if (health.failed > 0) problems.push(`${health.failed} normal requests failed during the attack`);
    return figures;
  } finally {
    for (const t of timers) clearInterval(t);
    for (const t of sockets) t.socket.destroy();
    await stop();
    tmp.remove();
  }
}
