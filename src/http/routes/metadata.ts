// GET /sequence/:id/metadata — digests, length and aliases of one sequence (spec §2.5).
import type { FastifyInstance } from 'fastify';
import { negotiate } from '../media-types.js';
import { resolveSequence } from '../resolve-sequence.js';
import { METADATA_ROUTE, sequenceMetadata } from '../sequence-metadata.js';
import { sendJson } from '../json.js';
import { ErrorResponse, MetadataResponse, SequenceParams } from '../schemas.js';

export async function metadataRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { id: string }; Querystring: { accept?: string } }>(
    METADATA_ROUTE,
    {
      schema: {
        summary: 'Metadata of a sequence',
        tags: ['refget'],
        params: SequenceParams,
        querystring: { type: 'object', properties: { accept: { type: 'string' } } },
        response: { 200: MetadataResponse, 300: ErrorResponse, 404: ErrorResponse, 406: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { store } = request.server;
      const record = resolveSequence(store, request.params.id, request.viewer);
      negotiate(request.query.accept ?? request.headers.accept, ['json']);
      return sendJson(reply, { metadata: sequenceMetadata(store, request.params.id, record, request.viewer) });
    },
  );
}
