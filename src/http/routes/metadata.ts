// GET /sequence/:id/metadata — digests, length and aliases of one sequence (spec §2.5).
import type { FastifyInstance } from 'fastify';
import { METADATA_ROUTE, planMetadata } from '../sequence-metadata.js';
import { sendJson } from '../json.js';
import { ErrorResponse, MetadataResponse, MirrorErrors, SequenceParams } from '../schemas.js';

export async function metadataRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { id: string }; Querystring: { accept?: string } }>(
    METADATA_ROUTE,
    {
      schema: {
        summary: 'Metadata of a sequence',
        tags: ['refget'],
        params: SequenceParams,
        querystring: { type: 'object', properties: { accept: { type: 'string' } } },
        response: { 200: MetadataResponse, 300: ErrorResponse, 404: ErrorResponse, 406: ErrorResponse, ...MirrorErrors },
      },
    },
    async (request, reply) =>
      sendJson(
        reply,
        planMetadata(request.server.store, request.params.id, request.query.accept ?? request.headers.accept, request.viewer),
      ),
  );
}
