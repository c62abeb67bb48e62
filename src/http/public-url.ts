// Where clients reach this server, for every URL it writes (Swagger UI's redirect, the OpenAPI
// `servers` entry, the browser pages' <base href>). Behind a reverse proxy that
// maps `/refget/` to this server, paths it generates must carry `/refget`: the proxy says so
// in X-Forwarded-Prefix, or the operator with --base-path (REFGET_BASE_PATH) when the proxy
// cannot. The header is taken from anyone (it only changes URLs in the answer to the request
// that carried it), so answers that embed it vary on it, and only a plain path passes.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseBasePath } from '../config.js';

/** Responses embedding the public prefix or base URL say so (shared caches keep them apart). */
export const PUBLIC_URL_VARY = 'X-Forwarded-Prefix';

/** The path prefix ('' or '/a/b'): a valid X-Forwarded-Prefix (first value), else the configured base path. */
export function publicPrefix(request: FastifyRequest): string {
  const header = firstValue(request.headers['x-forwarded-prefix']);
  if (header !== undefined) {
    try {
      return parseBasePath(header);
    } catch {
      // not a plain path: ignored
    }
  }
  return request.server.config.basePath ?? '';
}

/** Marks a response as depending on the public URL headers. */
export function varyOnPublicUrl(reply: FastifyReply): void {
  const vary = reply.getHeader('vary');
  reply.header('vary', vary === undefined || vary === '' ? PUBLIC_URL_VARY : `${String(vary)}, ${PUBLIC_URL_VARY}`);
}

/** The first of a header's comma-separated values (proxies append theirs), trimmed. */
function firstValue(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  return text.split(',')[0]!.trim();
}
