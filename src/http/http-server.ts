// The HTTP server under Fastify (its `serverFactory`): Node's own server with Fastify's timeouts,
// the fast path in front of Fastify's handler, and one request at a time per connection.
//
// Node parses every pipelined request it has received and hands each to the handler at once; a
// client that sends thousands of requests on one connection and never reads made the server
// produce thousands of responses into memory (8 GB in 15 s). Here the next request of a
// connection starts only when the previous response has finished (all of it handed to the
// socket), and the connection is not read meanwhile, so one connection holds at most one
// response in progress plus the requests already parsed from what it sent.
import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyServerOptions } from 'fastify';
import type { FastPath } from './fast-path.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

interface Connection {
  busy: boolean;
  waiting: [http.IncomingMessage, http.ServerResponse][];
}

export function serverFactory(fast: FastPath | undefined) {
  return (handler: Handler, options: FastifyServerOptions): http.Server => {
    const dispatch: Handler = fast === undefined ? handler : (req, res) => void (fast.handle(req, res) || handler(req, res));
    const connections = new WeakMap<Socket, Connection>();

    const start = (socket: Socket, c: Connection, req: http.IncomingMessage, res: http.ServerResponse): void => {
      c.busy = true;
      let done = false;
      const next = (): void => {
        if (done) return;
        done = true;
        // After the response's other 'finish' work (Fastify's onResponse hooks) has run.
        setImmediate(() => {
          c.busy = false;
          const queued = c.waiting.shift();
          if (queued !== undefined && !socket.destroyed) {
            // Reading resumes with it: its body, if any, may still be on the way.
            socket.resume();
            start(socket, c, queued[0], queued[1]);
          }
        });
      };
      res.once('finish', next);
      res.once('close', next);
      dispatch(req, res);
    };

    const server = http.createServer((req, res) => {
      const socket = req.socket;
      let c = connections.get(socket);
      if (c === undefined) {
        const created: Connection = { busy: false, waiting: [] };
        connections.set(socket, created);
        socket.once('close', () => {
          created.waiting.length = 0;
        });
        c = created;
      }
      if (c.busy) {
        c.waiting.push([req, res]);
        socket.pause();
        return;
      }
      start(socket, c, req, res);
    });
    if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
    if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout;
    if (options.connectionTimeout !== undefined) server.setTimeout(options.connectionTimeout);
    return server;
  };
}
