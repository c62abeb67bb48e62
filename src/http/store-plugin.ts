// Makes the store facade and the server config available to routes, and closes the store with
// the server. The http layer reaches the store only through this decorator.
import fp from 'fastify-plugin';
import type { SequenceStore } from '../store/sequence-store.js';
import type { ServerConfig } from '../config.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: SequenceStore;
    config: ServerConfig;
  }
}

export const storePlugin = fp<{ store: SequenceStore; config: ServerConfig; closeStore: boolean }>(
  async (app, opts) => {
    app.decorate('store', opts.store);
    app.decorate('config', opts.config);
    if (opts.closeStore) app.addHook('onClose', async () => opts.store.close());
  },
  { name: 'refget-store' },
);
