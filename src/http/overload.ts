// Overload protection: @fastify/under-pressure samples the event-loop delay; past the limit,
// requests get a quick 503 OVERLOADED with Retry-After (error-handler.ts) instead of queueing
// without bound. Lag alone is not overload: one long synchronous request on an idle server
// lags the loop too, and the requests after it have nobody to wait for. So a request is refused
// only when the loop lags AND other requests are in progress, i.e. requests really queue.
// Routes that must answer even then (liveness, metrics) carry BYPASS_OVERLOAD_GUARD.
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.js';

export interface OverloadOptions {
  /** mean event-loop delay over a sample, in ms, past which the server may refuse */
  readonly maxEventLoopDelayMs: number;
  readonly sampleIntervalMs: number;
  /** requests in progress besides the new one, at or past which a lagging server refuses */
  readonly minBusy: number;
}

export const OVERLOAD_DEFAULTS: OverloadOptions = { maxEventLoopDelayMs: 200, sampleIntervalMs: 500, minBusy: 4 };

export const RETRY_AFTER_SECONDS = 5;

/** Route config for routes that answer even under overload. */
export const BYPASS_OVERLOAD_GUARD = { pressureHandler: (): undefined => undefined } as const;

export const overloadPlugin = fp<OverloadOptions>(
  async (app: FastifyInstance, opts) => {
    const inProgress = new WeakSet<FastifyRequest>();
    let busy = 0;
    const done = (request: FastifyRequest): void => {
      if (inProgress.delete(request)) busy--;
    };
    // Counted before under-pressure's own hook runs, so `busy` includes the new request.
    app.addHook('onRequest', (request, _reply, next) => {
      inProgress.add(request);
      busy++;
      next();
    });
    app.addHook('onResponse', (request, _reply, next) => {
      done(request);
      next();
    });
    app.addHook('onRequestAbort', (request, next) => {
      done(request);
      next();
    });
    await app.register(underPressure, {
      maxEventLoopDelay: opts.maxEventLoopDelayMs,
      sampleInterval: opts.sampleIntervalMs,
      retryAfter: RETRY_AFTER_SECONDS,
      // Returning nothing lets the request through; a rejection goes to the error handler.
      pressureHandler: (_request, _reply, _type, value) => {
        if (busy - 1 < opts.minBusy) return undefined;
        const lag = typeof value === 'number' && Number.isFinite(value) ? `event-loop lag ${Math.round(value)} ms, ` : '';
        return Promise.reject(
          new AppError(
            'OVERLOADED',
            `server is overloaded (${lag}${busy - 1} requests in progress); retry in ${RETRY_AFTER_SECONDS} s`,
          ),
        );
      },
    });
  },
  { name: 'refget-overload' },
);
