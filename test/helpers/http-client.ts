// One way for a suite to send requests: app.inject by default, or real HTTP over 127.0.0.1 to
// the app listening with the fast path on when REFGET_TEST_VIA=socket, so the same assertions
// check the server production runs (test/http/sequence/real-sockets.test.ts).
import http from 'node:http';
import type { FastifyInstance } from 'fastify';

/** What the suites read of a response; app.inject's response has these too. */
export interface Res {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  rawPayload: Buffer;
  json: () => unknown;
}

export const VIA: 'inject' | 'socket' = process.env.REFGET_TEST_VIA === 'socket' ? 'socket' : 'inject';

const ports = new WeakMap<FastifyInstance, number>();
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

/** Starts listening on 127.0.0.1 (a free port) when the suite runs over sockets. */
export async function listenForSuite(app: FastifyInstance): Promise<FastifyInstance> {
  if (VIA === 'socket') {
    await app.listen({ port: 0, host: '127.0.0.1' });
    ports.set(app, (app.server.address() as { port: number }).port);
  }
  return app;
}

export interface Req {
  method?: 'GET' | 'HEAD' | 'POST';
  url: string;
  headers?: Record<string, string>;
}

export async function send(app: FastifyInstance, req: Req): Promise<Res> {
  const port = ports.get(app);
  if (port === undefined) return (await app.inject({ method: req.method ?? 'GET', url: req.url, headers: req.headers })) as Res;
  return new Promise<Res>((resolve, reject) => {
    const r = http.request(
      { host: '127.0.0.1', port, agent, method: req.method ?? 'GET', path: req.url, headers: req.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        // A body cut short (the server aborts a stream that failed) is an error, as with inject.
        res.on('aborted', () => reject(new Error('response aborted')));
        res.on('end', () => {
          if (!res.complete) {
            reject(new Error('response aborted'));
            return;
          }
          const rawPayload = Buffer.concat(chunks);
          const body = rawPayload.toString('utf8');
          resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body, rawPayload, json: () => JSON.parse(body) });
        });
      },
    );
    r.on('error', reject);
    r.end();
  });
}
