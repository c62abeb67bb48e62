// Swagger UI's redirects, which must keep a proxy's path prefix.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { publicPrefix, varyOnPublicUrl } from '../public-url.js';

/**
 * Swagger UI's page at /docs names its assets from the root ("/docs/static/…"), which a proxy
 * serving this server under a prefix does not map: /docs goes to /docs/ (whose asset links are
 * relative) with the prefix kept, and so does the plugin's own index.html redirect. Added on the
 * root instance, before the Swagger UI plugin, so it runs for that plugin's routes.
 */
export function redirectDocs(app: FastifyInstance): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const url = request.url;
    if (!url.startsWith('/docs')) return;
    const path = url.split('?', 1)[0];
    if (path !== '/docs' && path !== '/docs/static/index.html') return;
    varyOnPublicUrl(reply);
    return reply.redirect(`${publicPrefix(request)}/docs/`, 302);
  });
}
