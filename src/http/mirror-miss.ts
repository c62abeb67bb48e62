// Pull-through on a miss (`serve --upstream`): before a route that names one sequence by a
// digest answers, a digest the store does not hold at all is handed to the mirror, which fetches,
// verifies and stores it (mirror/mirror.ts); the route then answers from the store as for any
// other sequence. Aliases are never forwarded (what an alias names upstream cannot be verified),
// and neither is a digest the store holds, even one the caller may not see (a private collection's
// sequence answers 404 exactly as before, and its id never leaves the server).
import type { Socket } from 'node:net';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import { parseSequenceId } from '../checksum/identifiers.js';
import { AppError } from '../errors.js';
import type { MirrorClient } from '../mirror/cluster-mirror.js';
import type { FillOutcome } from '../mirror/mirror.js';
import { METADATA_ROUTE } from './sequence-metadata.js';
import { SEQUENCE_ROUTE } from './sequence-response.js';
import { CRAM_MD5_ROUTE } from './routes/sequence.js';
import { SEQREPO_METADATA_ROUTE, SEQREPO_SEQUENCE_ROUTE } from './routes/seqrepo.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** the mirror behind `--upstream`, or null when the server mirrors nothing */
    mirror: MirrorClient | null;
    /** its counters for /metrics (null without a mirror) */
    mirrorTallies: MirrorTallies | null;
  }
}

/** The routes that name one sequence, and the path parameter holding its id. */
const ID_PARAM: ReadonlyMap<string, string> = new Map([
  [SEQUENCE_ROUTE, 'id'],
  [METADATA_ROUTE, 'id'],
  [CRAM_MD5_ROUTE, 'md5'],
  [SEQREPO_SEQUENCE_ROUTE, 'alias'],
  [SEQREPO_METADATA_ROUTE, 'alias'],
]);

/** Counters behind /metrics (registered by the metrics plugin when a mirror is configured). */
export class MirrorTallies {
  readonly misses = new Counter({
    name: 'refget_mirror_requests_total',
    help: 'Requests for a digest the store lacked, by how the miss ended (stored, present, not_found, failed) and how it was answered (fetch: this request fetched; shared: it waited on a fetch under way; cache: a recent not-found or failure was remembered; refused: too many ids were waiting, 503)',
    labelNames: ['result', 'via'] as const,
    registers: [],
  });
  readonly fetches = new Counter({
    name: 'refget_upstream_fetches_total',
    help: 'Requests made to upstream servers, by result (ok, not_found, mismatch, error, timeout)',
    labelNames: ['result'] as const,
    registers: [],
  });
  readonly bytes = new Counter({
    name: 'refget_upstream_bytes_total',
    help: 'Body bytes received from upstream servers (verified or not)',
    registers: [],
  });

  register(registry: Registry): void {
    for (const metric of [this.misses, this.fetches, this.bytes]) registry.registerMetric(metric);
  }

  count(outcome: FillOutcome): void {
    this.misses.inc({ result: outcome.result, via: outcome.via });
    for (const attempt of outcome.attempts) {
      this.fetches.inc({ result: attempt.result });
      if (attempt.bytes > 0) this.bytes.inc(attempt.bytes);
    }
  }
}

export const mirrorPlugin = fp<{ mirror: MirrorClient | undefined }>(
  async (app, opts) => {
    const mirror = opts.mirror ?? null;
    app.decorate('mirror', mirror);
    app.decorate('mirrorTallies', mirror === null ? null : new MirrorTallies());
    if (mirror === null) return;
    app.addHook('preHandler', async (request: FastifyRequest, _reply: FastifyReply) => {
      const param = ID_PARAM.get(request.routeOptions.url ?? '');
      if (param === undefined) return;
      const raw = (request.params as Record<string, string | undefined>)[param];
      const id = raw === undefined ? undefined : parseSequenceId(raw);
      if (id === undefined || id.kind === 'alias' || app.store.lookup(id).length > 0) return;
      // The connection is silent while the upstream sends a chromosome (a minute over a slow
      // link), and the server cuts connections idle for 30 s: not this one, while it waits.
      // (app.inject's stand-in socket has no timeout to pause.)
      const socket = request.raw.socket as Partial<Socket>;
      const idleTimeout = socket.timeout ?? 0;
      socket.setTimeout?.(0);
      let outcome: FillOutcome;
      try {
        outcome = await mirror.fill(id);
      } finally {
        if (socket.destroyed !== true) socket.setTimeout?.(idleTimeout);
      }
      app.mirrorTallies?.count(outcome);
      const asked = id.kind === 'md5' ? id.md5 : `SQ.${id.digest}`;
      for (const attempt of outcome.attempts) {
        if (attempt.result !== 'ok' && attempt.result !== 'not_found')
          request.log.warn({ upstream: attempt.url, result: attempt.result, detail: attempt.detail }, 'upstream fetch failed');
      }
      if (outcome.result === 'stored') {
        const bytes = outcome.attempts.reduce((n, a) => n + a.bytes, 0);
        request.log.info({ id: asked, bytes }, 'mirrored from upstream');
      }
      if (outcome.error !== undefined) {
        throw new AppError(outcome.error.code, `${asked}: ${outcome.error.message}`, { id: asked });
      }
      // not_found: the route answers its usual 404.
    });
  },
  { name: 'refget-mirror', dependencies: ['refget-store'] },
);
