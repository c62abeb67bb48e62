// Fixtures for pull-through mirroring: a real upstream (this project's server over the bundled
// sample, listening on 127.0.0.1), scriptable faulty upstreams (node:http), and a mirror app over
// an empty store of its own.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../../src/config.js';
import { buildApp } from '../../src/app.js';
import { Mirror, mirrorTempDir, prepareMirrorStore, type MirrorOptions } from '../../src/mirror/mirror.js';
import { SequenceStore } from '../../src/store/sequence-store.js';
import { buildTestApp, FIXTURES, sampleStore, tempDir, testConfig } from './sample-store.js';
import type { Name, Test } from './refget-expected.js';

/** A compliance sequence's bases, normalised here (not by the code under test). */
export function fixtureBases(name: Name): string {
  const fasta = readFileSync(join(FIXTURES, 'refget', `${name}.faa`), 'utf8');
  return fasta
    .slice(fasta.indexOf('\n') + 1)
    .replace(/[^A-Za-z]/g, '')
    .toUpperCase();
}

/** This project's server over the bundled sample, listening; its base URL. */
export async function realUpstream(t: Test): Promise<{ url: string; app: FastifyInstance }> {
  const app = await buildTestApp(t, await sampleStore(t));
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, app };
}

/** An HTTP server on 127.0.0.1 answering with `handler`; records each request's URL and Accept. */
export async function fakeUpstream(
  t: Test,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; requests: { url: string; accept: string }[] }> {
  const requests: { url: string; accept: string }[] = [];
  const server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', accept: req.headers.accept ?? '' });
    handler(req, res);
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

/** An upstream handler that answers 200 and then sends `fill` bytes for as long as it is read. */
export const endlessBody =
  (fill: string) =>
  (_req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200);
    const chunk = Buffer.alloc(64 * 1024, fill);
    const pump = (): void => {
      while (res.write(chunk));
      res.once('drain', pump);
    };
    res.on('close', () => res.removeAllListeners('drain'));
    pump();
  };

/** Settings small enough for tests: short timeouts, a short not-found memory, no failure memory. */
export const TEST_MIRROR: Omit<MirrorOptions, 'upstreams' | 'storeDir'> = {
  concurrency: 4,
  maxQueued: 256,
  headersTimeoutMs: 2_000,
  idleTimeoutMs: 2_000,
  maxBases: 0xffffffff,
  notFoundTtlMs: 60_000,
  failureTtlMs: 0,
  lockWaitMs: 2_000,
};

/** A mirror app (fast path off: `inject` never takes it anyway) over a new, empty store. */
export async function mirrorApp(
  t: Test,
  upstreams: string[],
  options: Partial<MirrorOptions> = {},
  storeDir?: string,
  config: Partial<ServerConfig> = {},
): Promise<{ app: FastifyInstance; dir: string; mirror: Mirror }> {
  const dir = storeDir ?? join(tempDir(t), 'mirror-store');
  prepareMirrorStore(dir);
  const mirror = new Mirror({ ...TEST_MIRROR, ...options, upstreams, storeDir: dir });
  const app = await buildApp({
    store: SequenceStore.open(dir),
    config: testConfig(dir, { ...config, upstreams }),
    logger: false,
    closeStore: true,
    overload: false,
    mirror,
  });
  t.teardown(() => app.close());
  return { app, dir, mirror };
}

/** What a store holds on disk: its sequence count and pack bytes (a failed fill changes neither). */
export function storeState(dir: string): { sequences: number; packBytes: number; tempFiles: string[] } {
  const store = SequenceStore.open(dir);
  try {
    const packs = join(dir, 'packs');
    const packBytes = readdirSync(packs).reduce((n, f) => n + statSync(join(packs, f)).size, 0);
    return { sequences: store.stats().sequences, packBytes, tempFiles: readdirSync(mirrorTempDir(dir)) };
  } finally {
    store.close();
  }
}
