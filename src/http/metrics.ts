// Prometheus metrics at GET /metrics (prom-client text format): requests, latency and body bytes by
// route pattern and status, and the store's size. Each app has its own Registry (tests build many
// apps in one process); process-wide metrics (CPU, memory, event loop, GC) are collected once per
// process and merged into every app's output.
import { Transform, pipeline, type Readable } from 'node:stream';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Route label of a request no route matched (404s): never the raw URL, which is unbounded. */
export const UNMATCHED_ROUTE = 'unmatched';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

const routeOf = (request: FastifyRequest): string => request.routeOptions.url ?? UNMATCHED_ROUTE;

const isStream = (payload: unknown): payload is Readable =>
  typeof payload === 'object' && payload !== null && typeof (payload as { pipe?: unknown }).pipe === 'function';

export const metricsPlugin = fp(async (app) => {
  const registry = new Registry();
  const registers = [registry];
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({ name: 'refget_http_requests_total', help: 'HTTP requests completed, by method, route pattern and status', labelNames, registers });
  const duration = new Histogram({
    name: 'refget_http_request_duration_seconds',
    help: 'Time from request received to response finished (includes streaming the body), by method, route pattern and status',
    labelNames, buckets: LATENCY_BUCKETS, registers,
  });
  const bodyBytes = new Counter({
    name: 'refget_http_response_body_bytes_total',
    help: 'Response body bytes sent, by route pattern; streamed bodies count as they are written (an aborted download counts what was sent)',
    labelNames: ['route'] as const, registers,
  });
  const sequences = new Gauge({ name: 'refget_store_sequences', help: 'Sequences in the store', registers });
  const collections = new Gauge({ name: 'refget_store_collections', help: 'Sequence collections in the store', registers });
  const storeBytes = new Gauge({ name: 'refget_store_size_bytes', help: 'Bytes on disk of the store (pack files + index)', registers });
  const exposed = Registry.merge([registry, processMetrics()]);

  app.addHook('onSend', (request: FastifyRequest, _reply: FastifyReply, payload: unknown, done: (err: null, payload?: unknown) => void) => {
    // HEAD: Fastify drops the body after this hook runs; nothing is sent.
    if (request.method === 'HEAD' || payload === null || payload === undefined) return done(null, payload);
    const route = routeOf(request);
    if (typeof payload === 'string' || Buffer.isBuffer(payload)) {
      bodyBytes.inc({ route }, Buffer.byteLength(payload));
      return done(null, payload);
    }
    if (!isStream(payload)) return done(null, payload);
    // Count as the bytes go out, so a long download shows up while it runs. pipeline() carries a
    // read error to the counter (which Fastify watches) and a client abort back to the source.
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bodyBytes.inc({ route }, chunk.length);
        callback(null, chunk);
      },
    });
    pipeline(payload, counter, () => { /* an error, if any, is on `counter` */ });
    return done(null, counter);
  });

  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const labels = { method: request.method, route: routeOf(request), status: String(reply.statusCode) };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
    done();
  });

  app.get('/metrics', {
    logLevel: 'warn',
    schema: {
      summary: 'Prometheus metrics (text exposition format 0.0.4)',
      tags: ['operations'],
      response: { 200: { description: 'Metrics', content: { 'text/plain': { schema: { type: 'string' } } } } },
    },
  }, async (request, reply) => {
    const stats = request.server.store.stats();
    sequences.set(stats.sequences);
    collections.set(stats.collections);
    storeBytes.set(stats.bytes);
    return reply.type(exposed.contentType).header('cache-control', 'no-store').send(await exposed.metrics());
  });
}, { name: 'refget-metrics', dependencies: ['refget-store'] });
