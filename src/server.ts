// Process entry for `refget serve`: open the store read-only, build the app, listen, and close
// cleanly on SIGINT/SIGTERM (in-flight requests finish first).
import cluster from 'node:cluster';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { ConfigError, type ServerConfig } from './config.js';
import { SequenceStore } from './store/sequence-store.js';
import type { MirrorClient } from './mirror/cluster-mirror.js';

/** Cluster messages: a worker found damage / every worker is told of it (so each /readyz fails). */
export const DAMAGE_FOUND = 'refget:damage-found';
export const DAMAGE_ELSEWHERE = 'refget:damage-elsewhere';

export async function startServer(config: ServerConfig, mirror?: MirrorClient): Promise<FastifyInstance> {
  const store = SequenceStore.open(config.storeDir);
  if (cluster.isWorker) {
    store.onDamage = (detail) => process.send?.({ type: DAMAGE_FOUND, detail });
    process.on('message', (msg: { type?: unknown; detail?: unknown }) => {
      if (msg?.type === DAMAGE_ELSEWHERE && typeof msg.detail === 'string') store.noteDamage(msg.detail, { fromElsewhere: true });
    });
  }
  const app = await buildApp({ store, config, closeStore: true, ...(mirror === undefined ? {} : { mirror }) });
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'error while closing');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    // Port taken, no permission, unknown host: a setting to fix, not a crash to debug.
    await app.close();
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME'].includes(code)) {
      throw new ConfigError(`cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
    }
    throw err;
  }
  return app;
}
