// GET /sequence/service-info and GET /service-info: one document carrying the refget v1
// `service` block, the GA4GH service-info fields with the v2 `refget` block, and the seqcol
// block (spec §2.6, §3.4, §3.5.1). The refget suite reads `refget` when both blocks exist.
import { createRequire } from 'node:module';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { negotiate } from '../media-types.js';
import { sendJson } from '../json.js';
import { ErrorResponse } from '../schemas.js';
import { SEQCOL_SCHEMA } from '../../seqcol/schema.js';

const pkg = createRequire(import.meta.url)('../../../package.json') as { version: string };
const ALGORITHMS = ['md5', 'ga4gh', 'trunc512'];
const startedAt = new Date().toISOString();

export async function serviceInfoRoutes(app: FastifyInstance): Promise<void> {
  const schema = {
    summary: 'Service information (refget v1 + v2, sequence collections)',
    tags: ['service-info'],
    querystring: { type: 'object', properties: { accept: { type: 'string' } } },
    response: {
      200: { description: 'GA4GH service-info with refget and seqcol blocks', type: 'object', additionalProperties: true },
      406: ErrorResponse,
    },
  };
  const handler = async (
    request: FastifyRequest<{ Querystring: { accept?: string } }>,
    reply: FastifyReply,
  ): Promise<FastifyReply> => {
    negotiate(request.query.accept ?? request.headers.accept, ['json']);
    return sendJson(reply, serviceInfo(request));
  };
  app.get('/sequence/service-info', { schema }, handler);
  app.get('/service-info', { schema }, handler);
}

/** The service-info document (also GET / for JSON clients). */
export function serviceInfo(request: FastifyRequest): Record<string, unknown> {
  const { config, store } = request.server;
  const limit = config.subsequenceLimit;
  return {
    id: 'org.ga4gh.refget',
    name: 'refget server',
    type: { group: 'org.ga4gh', artifact: 'refget', version: '2.0.0' },
    description: 'Reference sequences (refget v1.0.1 and v2.0.0) and sequence collections (seqcol v1.0.0)',
    organization: config.organization ?? { name: 'Self-hosted', url: 'https://example.org' },
    version: pkg.version,
    createdAt: startedAt,
    updatedAt: startedAt,
    environment: config.environment ?? 'prod',
    service: {
      circular_supported: config.circularSupported,
      algorithms: ALGORITHMS,
      subsequence_limit: limit,
      supported_api_versions: ['1.0.1', '2.0.0'],
    },
    refget: {
      circular_supported: config.circularSupported,
      algorithms: ALGORITHMS,
      identifier_types: store.namingAuthorities(request.viewer?.hiddenJson),
      subsequence_limit: limit,
    },
    seqcol: { schema: SEQCOL_SCHEMA, sorted_name_length_pairs: true },
    // `serve --upstream`: digests this server lacks are fetched (verified) from these, in order.
    ...(request.server.mirror === null ? {} : { mirror: { upstreams: request.server.mirror.upstreams } }),
  };
}
