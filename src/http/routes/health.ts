// GET /healthz (liveness: the process answers) and GET /readyz (readiness: the store is open, a
// stored sequence reads back, no read has found damaged data since start, and the overload guard
// is not tripped). For orchestrators and load balancers; tagged 'operations' in the
// OpenAPI document and logged only at warn, so a probe every few seconds does not fill the log.
import type { FastifyInstance } from 'fastify';
import { BYPASS_OVERLOAD_GUARD } from '../overload.js';

const StatusBody = {
  type: 'object',
  properties: { status: { type: 'string' }, message: { type: 'string' } },
  required: ['status'],
} as const;

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/healthz',
    {
      logLevel: 'warn',
      config: BYPASS_OVERLOAD_GUARD,
      schema: {
        summary: 'Liveness: 200 while the process is up',
        tags: ['operations'],
        response: { 200: { description: 'Alive', ...StatusBody } },
      },
    },
    async (_request, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      logLevel: 'warn',
      schema: {
        summary: 'Readiness: 200 when the store is open and a stored sequence reads back, else 503',
        tags: ['operations'],
        response: {
          200: { description: 'Ready', ...StatusBody },
          503: { description: 'Not ready (empty or unreadable store)', ...StatusBody },
        },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const probe = request.server.store.probe();
      if (probe.ok) return reply.send({ status: 'ok' });
      // The probe's message can name store files: log it, tell the client only what kind of problem.
      request.log.warn({ problem: probe.problem, detail: probe.message }, 'not ready');
      const message =
        probe.problem === 'EMPTY'
          ? 'the store holds no sequence'
          : probe.problem === 'CORRUPT'
            ? 'damaged data was found in the store'
            : 'the store cannot be read';
      return reply.code(503).send({ status: 'unavailable', message });
    },
  );
}
