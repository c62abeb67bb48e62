// What happens when a request has been answered, on either path (Fastify's onResponse hook in
// metrics.ts, and the fast path): it is counted for /metrics and, at log level info, logged as
// one line. Written once here so the two paths count and log alike.
import type { FastifyBaseLogger } from 'fastify';
import type { RequestTallies } from './request-tallies.js';

export interface FinishedRequest {
  readonly method: string;
  readonly url: string;
  /** the route pattern (metrics label), e.g. /sequence/:id */
  readonly route: string;
  readonly status: number;
  readonly ms: number;
  /** given by the fast path; Fastify's request logger carries its own */
  readonly reqId?: string;
}

export function finishRequest(tallies: RequestTallies, log: FastifyBaseLogger | undefined, r: FinishedRequest): void {
  tallies.request(r.method, r.route, r.status, r.ms / 1000);
  if (log === undefined) return;
  const fields = { method: r.method, url: r.url, status: r.status, ms: Math.round(r.ms * 100) / 100 };
  log.info(r.reqId === undefined ? fields : { reqId: r.reqId, ...fields }, 'request');
}
