// The browser pages (web/): GET / for a browser, and GET /ui/…, answer one HTML shell whose
// <base href> is written for the prefix the page was reached by; its script reads this
// server's JSON API and draws the page. Nothing comes from another host. GET / for anything
// else (JSON, */*, no Accept) is the service-info document.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebAsset } from '../../web/assets.js';
import { negotiate } from '../media-types.js';
import { sendJson } from '../json.js';
import { publicPrefix, varyOnPublicUrl } from '../public-url.js';
import { ErrorResponse } from '../schemas.js';
import { serviceInfo } from './service-info.js';

export async function uiRoutes(app: FastifyInstance, opts: { assets: ReadonlyMap<string, WebAsset> }): Promise<void> {
  const shell = opts.assets.get('index.html')!;
  const send = (request: FastifyRequest, reply: FastifyReply, asset: WebAsset, body = asset.body): FastifyReply => {
    if (request.headers['if-none-match'] === asset.etag && body === asset.body) return reply.code(304).send();
    return reply
      .header('content-type', asset.contentType)
      .header('cache-control', 'no-cache')
      .header('etag', body === asset.body ? asset.etag : undefined)
      .header('x-content-type-options', 'nosniff')
      .header(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'",
      )
      .send(body);
  };
  const page = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    varyOnPublicUrl(reply);
    // publicPrefix is a checked plain path (letters, digits, - . _ ~ and slashes): safe in an attribute.
    return send(request, reply, shell, shell.body.replace('__BASE__', `${publicPrefix(request)}/ui/`));
  };
  const hide = { schema: { hide: true } };
  app.get<{ Querystring: { accept?: string } }>(
    '/',
    {
      schema: {
        summary: 'The start page for a browser (text/html); otherwise service-info',
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
      return page(request, reply);
    },
  );
  // One route for /ui and /ui/ (the router ignores a trailing slash): the shell's relative links
  // need the slash, so /ui is sent there.
  app.get('/ui/', hide, async (request, reply) =>
    request.url.split('?', 1)[0] === '/ui' ? reply.redirect(`${publicPrefix(request)}/ui/`, 302) : page(request, reply),
  );
  app.get<{ Params: { '*': string } }>('/ui/*', hide, async (request, reply) => {
    const asset = opts.assets.get(request.params['*']);
    if (asset !== undefined && request.params['*'] !== 'index.html') return send(request, reply, asset);
    return page(request, reply);
  });
}
