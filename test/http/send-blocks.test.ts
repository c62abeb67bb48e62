// Long bodies written from two reused buffers (src/http/send-blocks.ts), over real sockets: a
// client that reads slowly and unevenly still gets every byte right (a buffer refilled before the
// socket was done with it would show up as a wrong md5); clients that hang up mid-body leave the
// server serving; a read error after the first block cuts the connection short instead of
// sending a body that looks whole.
import t from 'tap';
import { createHash } from 'node:crypto';
import { request, type IncomingMessage } from 'node:http';
import { readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { runIngest } from '../../src/cli/ingest-command.js';
import { buildTestApp, tempDir } from '../helpers/sample-store.js';
import type { Test } from '../helpers/refget-expected.js';

// Forty 1 MiB blocks: more than the kernel buffers of a loopback connection hold (several MB),
// so while the client stalls, the server's writes stay pending.
const LENGTH = 40_000_000;

/** A reproducible plain-ACGT sequence (no exception runs) and its md5, computed here. */
function sequence(): { text: string; md5: string } {
  const bytes = Buffer.alloc(LENGTH);
  let x = 3;
  for (let i = 0; i < LENGTH; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    bytes[i] = 'ACGT'.charCodeAt(x >>> 30); // the top bits: the low bits of this generator repeat every 2^18
  }
  const text = bytes.toString('latin1');
  return { text, md5: createHash('md5').update(bytes).digest('hex') };
}

async function serve(t: Test, store: string): Promise<{ app: FastifyInstance; base: string }> {
  const app = await buildTestApp(t, store);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return { app, base: `http://127.0.0.1:${address.port}` };
}

const open = (url: string, headers: Record<string, string> = {}): Promise<IncomingMessage> =>
  new Promise((resolve, reject) => {
    request(url, { headers }, resolve).on('error', reject).end();
  });

const seq = sequence();
const dir = tempDir(t);
writeFileSync(join(dir, 'big.fa'), `>big\n${seq.text.replace(/(.{80})/g, '$1\n')}\n`);
const store = join(dir, 'store');
await runIngest([join(dir, 'big.fa')], { store });

t.test('a slow, uneven reader gets every byte right', async (t) => {
  const { base } = await serve(t, store);
  for (const [label, url, headers, expected] of [
    ['whole', `${base}/sequence/${seq.md5}`, {}, seq.text],
    ['start/end', `${base}/sequence/${seq.md5}?start=1234567&end=35432101`, {}, seq.text.slice(1234567, 35432101)],
    ['Range', `${base}/sequence/${seq.md5}`, { range: 'bytes=999999-34999998' }, seq.text.slice(999999, 34999999)],
  ] as const) {
    const res = await open(url, headers);
    const hash = createHash('md5');
    let bytes = 0;
    let chunks = 0;
    await new Promise<void>((resolve, reject) => {
      res.on('data', (c: Buffer) => {
        hash.update(c);
        bytes += c.length;
        // Stall now and then, for long enough that the socket buffers fill and the server's
        // writes stay pending while it would like to refill the other buffer.
        if (++chunks % 50 === 0) {
          res.pause();
          setTimeout(() => res.resume(), 20);
        }
      });
      res.on('end', resolve);
      res.on('error', reject);
    });
    t.equal(res.headers['content-length'], String(expected.length), `${label}: Content-Length`);
    t.equal(bytes, expected.length, `${label}: every byte`);
    t.equal(hash.digest('hex'), createHash('md5').update(expected, 'latin1').digest('hex'), `${label}: the right bytes`);
  }
});

t.test('clients that hang up mid-body leave the server serving, and counted', async (t) => {
  const { app, base } = await serve(t, store);
  for (let i = 0; i < 5; i++) {
    const res = await open(`${base}/sequence/${seq.md5}`);
    await new Promise<void>((resolve) => res.once('data', () => resolve()));
    res.destroy();
  }
  const res = await open(`${base}/sequence/${seq.md5}`);
  const hash = createHash('md5');
  for await (const c of res) hash.update(c as Buffer);
  t.equal(hash.digest('hex'), seq.md5, 'the next download is whole and right');
  const metrics = (await app.inject({ url: '/metrics' })).body;
  const sent = Number(/^refget_http_response_body_bytes_total\{route="\/sequence\/:id"\} (\d+)$/m.exec(metrics)?.[1]);
  t.ok(sent >= LENGTH && sent < 2 * LENGTH, `body bytes count the whole download and parts of the cut ones (${sent})`);
});

t.test('a read error after the first block cuts the connection: the body is short, never padded', async (t) => {
  const corrupt = join(tempDir(t), 'store');
  await runIngest([join(dir, 'big.fa')], { store: corrupt });
  // The first block (1 MiB of bases = 256 KiB packed) reads; the rest of the pack is gone.
  for (const file of readdirSync(join(corrupt, 'packs'))) truncateSync(join(corrupt, 'packs', file), 300_000);
  const { base } = await serve(t, corrupt);
  const res = await open(`${base}/sequence/${seq.md5}`);
  t.equal(res.statusCode, 200, 'the response had begun');
  t.equal(res.headers['content-length'], String(LENGTH));
  let bytes = 0;
  const error = await new Promise<Error | undefined>((resolve) => {
    res.on('data', (c: Buffer) => {
      bytes += c.length;
    });
    res.on('error', resolve);
    res.on('end', () => resolve(undefined));
  });
  t.match(String(error?.message), /aborted|socket hang up|premature/i, 'the client sees the connection cut');
  t.ok(bytes >= 1 << 20 && bytes < LENGTH, `short body: ${bytes} of ${LENGTH} bytes`);
  t.equal(bytes % (1 << 20), 0, 'whole blocks only: no partial or padded block');
  const small = await open(`${base}/sequence/${seq.md5}?start=0&end=100`);
  t.equal(small.statusCode, 200, 'still serving');
  small.resume();
});
