// Overload guard: when the event loop lags past a limit (measured as how late a periodic timer
// fires), requests
// get a quick 503 with Retry-After instead of queueing without bound. Being busy is fine (a
// saturated worker still answers in milliseconds); lag means requests are waiting their turn.
// Routes opt out with `config: { overloadGuard: false }` (liveness, metrics). The first sample
// is ignored: it covers start-up (route compilation), which is not overload.
import { performance } from 'node:perf_hooks';
import fp from 'fastify-plugin';
import { sendJson } from './json.js';

export interface OverloadGuardOptions {
  maxEventLoopDelayMs: number;
  sampleIntervalMs: number;
}

/** Route config for routes that must answer even under overload. */
export const BYPASS_OVERLOAD_GUARD = { overloadGuard: false } as const;

export const RETRY_AFTER_SECONDS = 5;

declare module 'fastify' {
  interface FastifyInstance {
    /** Whether requests are now refused with 503 (the fast path checks it too). */
    overloaded: () => boolean;
  }
}

export const overloadGuard = fp<OverloadGuardOptions>(
  async (app, opts) => {
    let lagMs = 0;
    let samples = 0;
    let last = performance.now();
    // The sampler's own lateness is the lag every queued request sees. (A histogram sampled by a
    // second timer races with it: a stall could land in the next interval instead.)
    const timer = setInterval(() => {
      const now = performance.now();
      lagMs = Math.max(0, now - last - opts.sampleIntervalMs);
      last = now;
      samples++;
    }, opts.sampleIntervalMs);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
    const overloaded = (): boolean => samples >= 2 && lagMs > opts.maxEventLoopDelayMs;
    app.decorate('overloaded', overloaded);
    // A callback hook, not an async one: it runs on every request and almost always passes.
    app.addHook('onRequest', (request, reply, done) => {
      if (!overloaded()) return done();
      if ((request.routeOptions.config as { overloadGuard?: boolean }).overloadGuard === false) return done();
      reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      sendJson(reply.code(503), {
        error: 'OVERLOADED',
        message: `server is overloaded (event-loop lag ${Math.round(lagMs)} ms); retry in ${RETRY_AFTER_SECONDS} s`,
      });
    });
  },
  { name: 'refget-overload-guard' },
);
