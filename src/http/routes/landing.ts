// GET / — a browser gets a page saying what this server is and how to point each client at it;
// anything asking for JSON (or with no preference) gets the service-info document. Also the
// Swagger UI redirects, which must keep a proxy's path prefix.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createRequire } from 'node:module';
import { negotiate, HTML_TYPE } from '../media-types.js';
import { sendJson } from '../json.js';
import { publicBase, publicPrefix, varyOnPublicUrl } from '../public-url.js';
import { serviceInfo } from './service-info.js';
import { ErrorResponse } from '../schemas.js';

const pkg = createRequire(import.meta.url)('../../../package.json') as { version: string };

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

export async function landingRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { accept?: string } }>(
    '/',
    {
      schema: {
        summary: 'Landing page (HTML for a browser) or service-info (JSON)',
        tags: ['service-info'],
        querystring: { type: 'object', properties: { accept: { type: 'string' } } },
        response: {
          200: {
            description: 'text/html for a browser; otherwise the service-info document',
            content: {
              'application/json': { schema: { type: 'object', additionalProperties: true } },
              'text/html': { schema: { type: 'string' } },
            },
          },
          406: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      reply.header('vary', 'Accept');
      const representation = negotiate(request.query.accept ?? request.headers.accept, ['json', 'html']);
      if (representation === 'json') return sendJson(reply, serviceInfo(request));
      varyOnPublicUrl(reply);
      return reply.type(HTML_TYPE).send(landingPage(request));
    },
  );
}

/** Text made safe for HTML text and double- or single-quoted attributes. */
const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** Text made safe between elements (quotes stay as typed, so copied lines are exact). */
const escapeText = (text: string): string => text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);

function landingPage(request: FastifyRequest): string {
  const prefix = publicPrefix(request);
  const base = publicBase(request);
  const link = (path: string, text: string): string => `<a href="${escape(`${prefix}${path}`)}">${escape(text)}</a>`;
  const code = (text: string): string => `<pre><code>${escapeText(text)}</code></pre>`;
  const md5 = '<md5>';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>refget server</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
pre { background: #f4f4f4; padding: .6rem .8rem; overflow-x: auto; }
h1 small { font-weight: normal; color: #666; font-size: 1rem; }
</style>
</head>
<body>
<h1>refget server <small>${escape(pkg.version)}</small></h1>
<p>Reference sequences by digest (GA4GH refget v1.0.1 and v2.0.0) and sequence collections (seqcol v1.0.0).</p>
<ul>
<li>${link('/docs/', 'API documentation')} (Swagger UI) and the ${link('/openapi.json', 'OpenAPI document')}</li>
<li>${link('/service-info', 'service-info')}</li>
<li>${link('/list/collection', 'collections')}, ${link('/aliases', 'aliases')}, ${link('/naming-authorities', 'naming authorities')}</li>
</ul>
<h2>Clients</h2>
<p>samtools / htslib (CRAM):</p>
${code(`export REF_PATH='${base}/sequence/%s'`)}
<p>htslib's <code>ref-cache</code> with this server upstream:</p>
${code(`ref-cache -b -d cached_refs -p 8081 -u ${base}/cram/md5/`)}
<p>vrs-python (VRS normalisation), through the SeqRepo REST interface:</p>
${code(`export GA4GH_VRS_DATAPROXY_URI=seqrepo+${base}/seqrepo`)}
<p>A sequence, a slice (0-based, end exclusive), its metadata:</p>
${code(`curl ${base}/sequence/${md5}\ncurl '${base}/sequence/${md5}?start=0&end=100'\ncurl ${base}/sequence/${md5}/metadata`)}
</body>
</html>
`;
}
