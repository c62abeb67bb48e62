import type { FastifyInstance } from "fastify";
export async function seqcolRoutes(_app: FastifyInstance): Promise<void> {}
