// Pipelined requests on one connection are answered one at a time, in order: the next starts only
// when the previous response is finished, so a client that pipelines many requests and reads
// slowly (or never) holds one response in the server, not one per request.
import t from 'tap';
import { connect } from 'node:net';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTestApp, FIXTURES, sampleStore } from '../helpers/sample-store.js';

const fastaBases = (file: string): string =>
  readFileSync(file, 'latin1')
    .split('\n')
    .filter((l) => !l.startsWith('>'))
    .join('')
    .replace(/[^A-Za-z]/g, '')
    .toUpperCase();
const VI = fastaBases(join(FIXTURES, 'refget', 'VI.faa'));
const VI_MD5 = createHash('md5').update(VI).digest('hex');

t.test('100 pipelined requests: never more than one in progress, all answered in order', async (t) => {
  const storeDir = await sampleStore(t);
  for (const fastPath of [true, false]) {
    const app = await buildTestApp(t, storeDir, { fastPath });
    let inProgress = 0;
    let most = 0;
    let started = 0;
    app.addHook('onRequest', async () => {
      started++;
      most = Math.max(most, ++inProgress);
    });
    app.addHook('onResponse', async () => {
      inProgress--;
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    // FASTA goes through Fastify's routes on both settings, so the hooks see every request;
    // every tenth asks for plain text (the fast path's, when on).
    const N = 100;
    const requests = Array.from({ length: N }, (_, i) =>
      i % 10 === 9
        ? `GET /sequence/${VI_MD5}?start=${i}&end=${i + 10} HTTP/1.1\r\nHost: x\r\n\r\n`
        : `GET /sequence/${VI_MD5} HTTP/1.1\r\nHost: x\r\nAccept: text/x-fasta\r\n\r\n`,
    );
    socket.write(requests.join(''));
    const chunks: Buffer[] = [];
    let tail = '';
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      tail = (tail + c.toString('latin1')).slice(-64);
    });
    // Read until all N responses are in: the last one is a 10-base slice.
    const last = `\r\n\r\n${VI.slice(N - 1, N + 9)}`;
    while (!tail.endsWith(last)) await once(socket, 'data');
    socket.destroy();
    const text = Buffer.concat(chunks).toString('latin1');
    const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]);
    t.equal(statuses.length, N, `fast path ${fastPath}: ${N} responses`);
    t.same(new Set(statuses), new Set(['200']), 'all 200');
    const slices = [...text.matchAll(/\r\n\r\n([ACGT]{10})(?=HTTP|$)/g)].map((m) => m[1]);
    t.same(
      slices,
      Array.from({ length: N / 10 }, (_, k) => VI.slice(10 * k + 9, 10 * k + 19)),
      'the slices come back in request order',
    );
    t.equal(most, 1, `fast path ${fastPath}: at most one request of the connection in progress (Fastify saw ${started})`);
    await app.close();
  }
});
