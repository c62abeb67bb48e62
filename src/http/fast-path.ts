// The two hottest requests, answered on node:http before Fastify sees them: GET of a sequence
// body up to 1 MiB (a start/end slice, a Range, a whole small sequence) and GET of a sequence's
// metadata. Fastify's routing, hooks, schema checks and reply machinery cost more per request
// than finding, reading and decoding 100 bases. In-process A/B (bench/ab/preload.mjs, one worker
// under wrk, four rounds): 27-37 µs of CPU per 100-base slice here against 35-43 µs through
// Fastify, and 26-28 against 32-35 µs per metadata request.
//
// It answers only the plain, successful case and hands everything else to Fastify untouched
// (returns false before writing anything): another method, percent-encoding, any other query
// parameter, FASTA, If-None-Match, If-Range, a request body, an unknown id, any error (404, 406, 416, ...),
// bodies over 1 MiB, overload (Fastify decides), a closing server. Nothing it answers is decided
// here: the answer comes from the functions the Fastify routes answer from (planSequence,
// planMetadata), its CORS headers from the list the CORS plugin is given, and the request is
// counted and logged by the function Fastify's onResponse hook calls (finishRequest). This file
// only matches the URL and writes the bytes. `test/http/fast-path.test.ts` sends the same
// requests with and without it and compares the responses byte for byte.
//
// buildApp leaves it out with private collections (a tokens file) and does not start it at log
// level debug or trace, where the routes log more per request than this would.
import type http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FastifyBaseLogger } from 'fastify';
import type { ServerConfig } from '../config.js';
import type { SequenceStore } from '../store/sequence-store.js';
import { JSON_TYPE } from './media-types.js';
import { asciiJson } from './json.js';
import { METADATA_ROUTE, planMetadata } from './sequence-metadata.js';
import { BUFFER_LIMIT, planSequence, SEQUENCE_ROUTE, SEQUENCE_VARY } from './sequence-response.js';
import type { RequestTallies } from './request-tallies.js';
import { finishRequest } from './request-log.js';

// Ids made only of characters that need no percent-decoding; anything else goes to Fastify.
const PATH = /^\/sequence\/([A-Za-z0-9._:-]+)(\/metadata)?(?:\?(.*))?$/;
const QUERY = /^(start|end)=([0-9]+)(?:&(start|end)=([0-9]+))?$/;

export interface FastPathDeps {
  /** Headers every response gets from the CORS plugin, in its order. */
  corsHeaders: readonly [string, string][];
  tallies: RequestTallies;
  overloaded: () => boolean;
  /** Set when each request is logged (level info): one line like Fastify's onResponse hook writes. */
  log: FastifyBaseLogger | undefined;
  genReqId: () => string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The fast path in front of this app's server, or null when it has none (see buildApp). */
    fastPath: FastPath | null;
  }
}

export class FastPath {
  private deps: FastPathDeps | undefined;
  /** deps.corsHeaders as writeHead takes them, flattened once */
  private corsHeaders: string[] = [];
  /** Requests answered here rather than by Fastify (tests check which path answered). */
  answered = 0;

  constructor(
    private readonly store: SequenceStore,
    private readonly config: ServerConfig,
  ) {}

  /** Starts answering (once the app is ready); until then and after stop() every request goes to Fastify. */
  start(deps: FastPathDeps): void {
    this.corsHeaders = flat(deps.corsHeaders);
    this.deps = deps;
  }

  stop(): void {
    this.deps = undefined;
  }

  /** Answers the request and returns true, or returns false having touched nothing. */
  handle(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    const deps = this.deps;
    const url = req.url;
    if (deps === undefined || req.method !== 'GET' || url === undefined || !url.startsWith('/sequence/')) return false;
    const match = PATH.exec(url);
    if (match === null) return false;
    const headers = req.headers;
    if (
      headers['if-none-match'] !== undefined ||
      headers['if-range'] !== undefined ||
      headers['content-length'] !== undefined ||
      headers['transfer-encoding'] !== undefined ||
      deps.overloaded()
    )
      return false;
    const started = performance.now();
    const id = match[1]!;
    const query = match[3];
    let route: string;
    let out: http.OutgoingHttpHeader[];
    let status: number;
    let body: Buffer | string;
    try {
      if (match[2] !== undefined) {
        if (query !== undefined) return false;
        route = METADATA_ROUTE;
        status = 200;
        body = asciiJson(planMetadata(this.store, id, headers.accept, null));
        out = [...this.corsHeaders, 'content-type', JSON_TYPE, 'content-length', String(body.length)];
      } else {
        let start: string | undefined;
        let end: string | undefined;
        if (query !== undefined) {
          const q = QUERY.exec(query);
          if (q === null || q[1] === q[3]) return false;
          [start, end] = q[1] === 'start' ? [q[2], q[4]] : [q[4], q[2]];
        }
        const { record, representation, response } = planSequence(this.store, this.config, {
          id,
          start,
          end,
          accept: headers.accept,
          range: headers.range,
          ifRange: undefined,
          viewer: null,
        });
        if (representation !== 'sequence' || response.bases > BUFFER_LIMIT) return false;
        const parts = response.segments.map(([s, e]) => this.store.readRangeSync(record, s, e));
        route = SEQUENCE_ROUTE;
        status = response.status;
        body = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
        out = [...this.corsHeaders, ...flat(response.headers), 'vary', SEQUENCE_VARY, 'content-length', String(body.length)];
      }
    } catch {
      // Every error answer (404, 300, 406, 400, 416, 501, a failed read) is Fastify's to give.
      return false;
    }
    const { tallies, log } = deps;
    const reqId = log === undefined ? undefined : deps.genReqId();
    res.once('close', () => {
      finishRequest(tallies, log, { method: 'GET', url, route, status: res.statusCode, ms: performance.now() - started, reqId });
    });
    tallies.bodyBytes(route, body.length);
    this.answered++;
    res.writeHead(status, out);
    res.end(body);
    return true;
  }
}

function flat(pairs: readonly (readonly [string, string])[]): string[] {
  const out: string[] = [];
  for (const [name, value] of pairs) out.push(name, value);
  return out;
}
