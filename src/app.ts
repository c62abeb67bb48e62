// buildApp: the one Fastify factory used by the server and by every test. All server options
// (router, logging, timeouts, plugins, error handling) are set here and nowhere else.
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { ServerConfig } from './config.js';
import type { SequenceStore } from './store/sequence-store.js';
import { storePlugin } from './http/store-plugin.js';
import { accessPlugin } from './http/access.js';
import { clientErrorHandler, errorHandler, notFoundHandler } from './http/error-handler.js';
import { overloadPlugin, OVERLOAD_DEFAULTS } from './http/overload.js';
import { sequenceRoutes } from './http/routes/sequence.js';
import { metadataRoutes } from './http/routes/metadata.js';
import { serviceInfoRoutes } from './http/routes/service-info.js';
import { seqcolRoutes } from './http/routes/seqcol.js';
import { discoveryRoutes } from './http/routes/discovery.js';
import { metricsPlugin } from './http/metrics.js';
import { healthRoutes } from './http/routes/health.js';
import { seqrepoRoutes } from './http/routes/seqrepo.js';
import { redirectDocs } from './http/routes/docs-redirect.js';
import { searchRoutes } from './http/routes/search.js';
import { collectionDownloadRoutes } from './http/routes/collection-downloads.js';
import { uiRoutes } from './http/routes/ui.js';
import { loadWebAssets, type WebAsset } from './web/assets.js';
import { publicPrefix, varyOnPublicUrl } from './http/public-url.js';
import { finishOpenApi } from './http/openapi.js';
import { FastPath } from './http/fast-path.js';
import { serverFactory } from './http/http-server.js';
import { jsonBodyParser } from './http/json-body.js';
import { mirrorPlugin } from './http/mirror-miss.js';
import type { MirrorClient } from './mirror/cluster-mirror.js';

export interface BuildAppOptions {
  store: SequenceStore;
  config: ServerConfig;
  /** Fastify logger option; defaults from config (pretty on a TTY, JSON otherwise). */
  logger?: FastifyServerOptions['logger'];
  /** close the store when the app closes (the server does; tests sharing a store don't) */
  closeStore?: boolean;
  /**
   * Overload guard thresholds, or false for none. Tests that share their process (and event
   * loop) with heavy synchronous work turn it off; the overload test makes it small.
   */
  overload?: { maxEventLoopDelayMs?: number; sampleIntervalMs?: number; minBusy?: number } | false;
  /** fills misses from upstream servers (`serve --upstream`; http/mirror-miss.ts) */
  mirror?: MirrorClient;
}

const CORS_EXPOSED_HEADERS = ['Content-Range', 'Content-Length', 'Accept-Ranges', 'ETag', 'X-Total-Count'];
/** What the CORS plugin adds to every non-preflight response (origin '*', exposed headers). */
const CORS_HEADERS: readonly [string, string][] = [
  ['access-control-allow-origin', '*'],
  ['access-control-expose-headers', CORS_EXPOSED_HEADERS.join(', ')],
];

/** Fastify's own request id format (req-1, req-2, ...), shared with the fast path. */
let lastRequestId = 0;
const genReqId = (): string => {
  lastRequestId = (lastRequestId + 1) & 0x7fffffff;
  return `req-${lastRequestId.toString(36)}`;
};

export function loggerOptions(config: ServerConfig): FastifyServerOptions['logger'] {
  return config.prettyLogs
    ? {
        level: config.logLevel,
        transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } },
      }
    : { level: config.logLevel };
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  // Plain sequence and metadata GETs answered on node:http ahead of Fastify (http/fast-path.ts),
  // unless config.fastPath is false or collections are private. (`app.inject` never goes through
  // it: it bypasses the server.)
  const fastPath =
    options.config.fastPath !== false && options.config.tokensFile === undefined
      ? new FastPath(options.store, options.config)
      : undefined;
  const app = Fastify({
    logger: options.logger ?? loggerOptions(options.config),
    genReqId,
    serverFactory: serverFactory(fastPath),
    logController: new LogController({ disableRequestLogging: true }),
    // Fastify answers a malformed URL (bad percent-encoding) before any hook runs: route it
    // through our error body, with the CORS header the hooks would have added.
    frameworkErrors: (error, request, reply) => {
      reply.header('access-control-allow-origin', '*');
      errorHandler(error, request, reply);
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
    // Unparseable requests (431, 400, 408) get our error body and `Connection: close`.
    clientErrorHandler,
    // Slow or idle clients are cut: headers must arrive within 10 s, a request within 60 s, and a
    // connection with no traffic either way for 30 s (one that never sends a request, a client
    // that stops reading its response) is closed, so idle sockets cannot pile up.
    requestTimeout: 60_000,
    connectionTimeout: 30_000,
    keepAliveTimeout: 10_000,
    bodyLimit: 4 << 20,
    // The error body is {"error","message"}; Fastify's own ajv errors keep their message.
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
  });
  app.server.headersTimeout = 10_000;
  app.decorate('fastPath', fastPath ?? null);

  jsonBodyParser(app);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  // Overload degrades into quick 503s with Retry-After instead of unbounded latency: 200 ms of
  // event-loop lag with requests waiting means they are queueing, not merely that the process
  // is busy (http/overload.ts).
  if (options.overload !== false) await app.register(overloadPlugin, { ...OVERLOAD_DEFAULTS, ...options.overload });
  await app.register(cors, {
    origin: '*',
    methods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
    allowedHeaders: ['Range', 'If-Range', 'Accept', 'Content-Type', 'If-None-Match', 'Authorization'],
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: 86400,
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'refget server',
        version: '2.0.0',
        description: 'GA4GH refget v1.0.1 + v2.0.0 and sequence collections v1.0.0',
      },
      tags: [{ name: 'refget' }, { name: 'seqcol' }, { name: 'service-info' }],
    },
    transformObject: finishOpenApi,
  });
  redirectDocs(app);
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // "Try it out" sends requests under the prefix the page was reached by (http/public-url.ts).
    transformSpecification: (spec, request) => ({ ...spec, servers: [{ url: publicPrefix(request) || '/' }] }),
  });
  await app.register(storePlugin, { store: options.store, config: options.config, closeStore: options.closeStore ?? false });
  await app.register(accessPlugin, {
    store: options.store,
    tokensFile: options.config.tokensFile,
    allowAllPublic: options.config.allowAllPublic,
  });
  await app.register(mirrorPlugin, { mirror: options.mirror });
  // One log line per request, after it completes (Fastify's default is two, before and after),
  // written by the same hook that counts it for /metrics.
  const logRequests = ['trace', 'debug', 'info'].includes(app.log.level);
  await app.register(metricsPlugin, { logRequests });

  app.get('/openapi.json', { schema: { hide: true } }, async (request, reply) => {
    varyOnPublicUrl(reply);
    return { ...app.swagger(), servers: [{ url: publicPrefix(request) || '/' }] };
  });
  await app.register(serviceInfoRoutes);
  await app.register(sequenceRoutes);
  await app.register(metadataRoutes);
  await app.register(seqcolRoutes);
  await app.register(discoveryRoutes);
  await app.register(healthRoutes);
  await app.register(seqrepoRoutes);
  await app.register(searchRoutes);
  await app.register(collectionDownloadRoutes);
  await app.register(uiRoutes, { assets: webAssets() });

  // At debug and trace the routes log more per request than the fast path would: leave it off.
  if (fastPath !== undefined && !['debug', 'trace'].includes(app.log.level)) {
    app.addHook('onReady', async () =>
      fastPath.start({
        corsHeaders: CORS_HEADERS,
        tallies: app.requestTallies,
        overloaded: app.hasDecorator('isUnderPressure') ? () => app.isUnderPressure() : () => false,
        log: logRequests ? app.log : undefined,
        genReqId,
      }),
    );
    // Once closing starts, requests on open connections get Fastify's 503 + Connection: close.
    app.addHook('preClose', async () => fastPath.stop());
  }
  return app;
}

let assets: ReadonlyMap<string, WebAsset> | undefined;
/** The browser pages' files, read on first use (every app of a process shares them). */
const webAssets = (): ReadonlyMap<string, WebAsset> => (assets ??= loadWebAssets());
