// Prometheus metrics at GET /metrics (prom-client text format): requests, latency and body bytes by
// route pattern and status, and the store's size. Each app has its own Registry (tests build many
// apps in one process); process-wide metrics (CPU, memory, event loop, GC) are collected once per
// process and merged into every app's output. Under `serve --workers N` a scrape reaches one
// worker, which asks the cluster primary for the sum over all workers (prom-client's
// AggregatorRegistry), so counters do not jump between workers' values from scrape to scrape.
import cluster from 'node:cluster';
import { Transform, pipeline, type Readable } from 'node:stream';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AggregatorRegistry, Gauge, Registry, collectDefaultMetrics, type Metric } from 'prom-client';
import { RequestTallies } from './request-tallies.js';
import './send-blocks.js'; // declares FastifyReply.countBodyBytes
import { BYPASS_OVERLOAD_GUARD } from './overload.js';
import { finishRequest } from './request-log.js';

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

declare module 'fastify' {
  interface FastifyInstance {
    /** The request tallies behind /metrics (the fast path counts its requests here too). */
    requestTallies: RequestTallies;
  }
}

export interface MetricsOptions {
  /** log one line per finished request (log level info) */
  readonly logRequests: boolean;
}

export const metricsPlugin = fp<MetricsOptions>(
  async (app, opts) => {
    const registry = new Registry();
    const registers = [registry];
    const tallies = new RequestTallies(LATENCY_BUCKETS);
    app.decorate('requestTallies', tallies);
    for (const metric of [
      tallies.requestsMetric('refget_http_requests_total', 'HTTP requests completed, by method, route pattern and status'),
      tallies.durationMetric(
        'refget_http_request_duration_seconds',
        'Time from request received to response finished (includes streaming the body), by method, route pattern and status',
      ),
      tallies.bytesMetric(
        'refget_http_response_body_bytes_total',
        'Response body bytes sent, by route pattern; streamed bodies count as they are written (an aborted download counts what was sent)',
      ),
    ])
      registry.registerMetric(metric as unknown as Metric);
    // Computed at scrape time. The first gauge's collect() reads the store once and sets all three
    // (a registry collects its metrics in registration order). Every worker sees the same store, so
    // a cluster reports the first worker's values instead of a sum.
    new Gauge({
      // registered by `registers`; nothing else refers to it
      name: 'refget_store_sequences',
      help: 'Sequences in the store',
      aggregator: 'first',
      registers,
      collect() {
        // With private collections, only what a caller without a token may see is counted.
        const stats = app.store.stats(app.publicViewer?.hiddenJson);
        this.set(stats.sequences);
        collections.set(stats.collections);
        storeBytes.set(stats.bytes);
      },
    });
    const collections = new Gauge({
      name: 'refget_store_collections',
      help: 'Sequence collections in the store',
      aggregator: 'first',
      registers,
    });
    const storeBytes = new Gauge({
      name: 'refget_store_size_bytes',
      help: 'Bytes on disk of the store (pack files + index); 0 with private collections',
      aggregator: 'first',
      registers,
    });
    new Gauge({
      name: 'refget_store_damaged_reads',
      aggregator: 'sum',
      registers,
      help: 'Reads that found damaged store data (a block or row failing its checksum, a short pack) since start; any is a reason to run refget verify',
      collect() {
        this.set(app.store.corruptReads);
      },
    });
    app.mirrorTallies?.register(registry);
    const exposed = Registry.merge([registry, processMetrics()]);
    if (cluster.isWorker) {
      new AggregatorRegistry(); // installs the worker's answer to the primary's metrics requests
      AggregatorRegistry.setRegistries([registry, processMetrics()]);
    }

    app.addHook(
      'onSend',
      (request: FastifyRequest, _reply: FastifyReply, payload: unknown, done: (err: null, payload?: unknown) => void) => {
        // HEAD: Fastify drops the body after this hook runs; nothing is sent.
        if (request.method === 'HEAD' || payload === null || payload === undefined) return done(null, payload);
        const route = routeOf(request);
        if (typeof payload === 'string' || Buffer.isBuffer(payload)) {
          tallies.bodyBytes(route, Buffer.byteLength(payload));
          return done(null, payload);
        }
        if (!isStream(payload)) return done(null, payload);
        // Count as the bytes go out, so a long download shows up while it runs. pipeline() carries a
        // read error to the counter (which Fastify watches) and a client abort back to the source.
        const transform = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            tallies.bodyBytes(route, chunk.length);
            callback(null, chunk);
          },
        });
        pipeline(payload, transform, () => {
          /* an error, if any, is on `transform` */
        });
        return done(null, transform);
      },
    );

    // Bodies written block by block outside Fastify's send() (send-blocks.ts) count here as they go.
    app.decorateReply('countBodyBytes', function (this: FastifyReply, n: number) {
      tallies.bodyBytes(routeOf(this.request), n);
    });

    // Counted (and logged) as the fast path counts and logs its requests: request-log.ts.
    app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      finishRequest(tallies, opts.logRequests ? request.log : undefined, {
        method: request.method,
        url: request.url,
        route: routeOf(request),
        status: reply.statusCode,
        ms: reply.elapsedTime,
      });
      done();
    });

    app.get(
      '/metrics',
      {
        logLevel: 'warn',
        config: BYPASS_OVERLOAD_GUARD,
        schema: {
          summary: 'Prometheus metrics (text exposition format 0.0.4)',
          tags: ['operations'],
          response: { 200: { description: 'Metrics', content: { 'text/plain': { schema: { type: 'string' } } } } },
        },
      },
      async (_request, reply) => {
        const text = cluster.isWorker ? await clusterMetricsFromPrimary() : await exposed.metrics();
        return reply.type(exposed.contentType).header('cache-control', 'no-store').send(text);
      },
    );
  },
  { name: 'refget-metrics', dependencies: ['refget-store'] },
);

const CLUSTER_REQUEST = 'refget:cluster-metrics-request';
const CLUSTER_RESPONSE = 'refget:cluster-metrics-response';
interface ClusterMessage {
  type?: unknown;
  id?: unknown;
  text?: unknown;
  error?: unknown;
}
const asMessage = (m: unknown): ClusterMessage => (typeof m === 'object' && m !== null ? (m as ClusterMessage) : {});

/**
 * In a cluster primary (call before forking): answer a worker's request for the metrics of all
 * workers, aggregated (counters and histograms summed, store gauges from one worker).
 */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, raw: unknown) => {
    const message = asMessage(raw);
    if (message.type !== CLUSTER_REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: CLUSTER_RESPONSE, id: message.id, text }),
      (err: Error) => worker.send({ type: CLUSTER_RESPONSE, id: message.id, error: err.message }),
    );
  });
}

let nextRequestId = 0;
function clusterMetricsFromPrimary(timeoutMs = 7000): Promise<string> {
  const id = nextRequestId++;
  return new Promise((resolve, reject) => {
    const onMessage = (raw: unknown): void => {
      const message = asMessage(raw);
      if (message.type !== CLUSTER_RESPONSE || message.id !== id) return;
      done();
      if (typeof message.text === 'string') resolve(message.text);
      else reject(new Error(`cluster metrics: ${String(message.error)}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error('cluster metrics: no answer from the primary (serveClusterMetrics not installed?)'));
    }, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      process.off('message', onMessage);
    };
    process.on('message', onMessage);
    process.send!({ type: CLUSTER_REQUEST, id });
  });
}
