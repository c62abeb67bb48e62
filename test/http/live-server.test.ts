// Real listening servers on 127.0.0.1: a large sequence streamed to a real HTTP client with
// bounded server memory, and a store that grows (ingest) while a server reads it.
import t from 'tap';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { createWriteStream, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { runIngest } from '../../src/cli/ingest-command.js';
import { buildTestApp, sampleStore, tempDir } from '../helpers/sample-store.js';

interface Fetched {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  md5: string;
  bytes: number;
}

/** GET with node:http, hashing the body as it arrives (never holding it). */
function fetchDigest(url: string, headers: Record<string, string> = {}): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const hash = createHash('md5');
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        hash.update(c);
        bytes += c.length;
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, md5: hash.digest('hex'), bytes }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

t.test('a 200 Mbp sequence streams with Content-Length and flat server memory', async (t) => {
  const dir = tempDir(t);
  const fasta = join(dir, 'big.fa');
  const length = 60 * 3_333_333; // ~200 Mbp in whole 60-base lines
  // Write the FASTA and hash its normalised text on the fly: the expected md5 is independent of the store.
  const expected = createHash('md5');
  const out = createWriteStream(fasta);
  out.write('>big\n');
  const line = Buffer.alloc(61);
  let x = 7;
  for (let written = 0; written < length; written += 60) {
    for (let i = 0; i < 60; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      line[i] = 'ACGT'.charCodeAt(x >>> 30); // top bits: the low bits repeat every 2^18
    }
    if (written % 6_000_000 === 0) line.fill('N', 0, 60); // some N runs, so exceptions are exercised
    line[60] = 0x0a;
    expected.update(line.subarray(0, 60));
    if (!out.write(Buffer.from(line))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const md5 = expected.digest('hex');
  const store = join(dir, 'store');
  await runIngest([fasta], { store });

  const app = await buildTestApp(t, store);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 20);
  const res = await fetchDigest(`http://127.0.0.1:${address.port}/sequence/${md5}`, { accept: '*/*' });
  clearInterval(sampler);
  t.equal(res.status, 200);
  t.equal(res.headers['content-length'], String(length), 'Content-Length known up front');
  t.equal(res.headers['transfer-encoding'], undefined, 'not chunked');
  t.equal(res.bytes, length);
  t.equal(res.md5, md5, 'body md5 equals the md5 of the normalised FASTA');
  const growthMb = (rssPeak - rssBefore) / 1e6;
  t.ok(growthMb < 100, `server RSS grew by ${growthMb.toFixed(0)} MB while serving 200 MB`);

  const range = await fetchDigest(`http://127.0.0.1:${address.port}/sequence/${md5}`, { range: 'bytes=1000-50000999' });
  t.equal(range.status, 206);
  t.equal(range.bytes, 50_000_000);
  t.equal(range.headers['content-range'], `bytes 1000-50000999/${length}`);
});

t.test('a running server sees sequences ingested after it started', async (t) => {
  const store = await sampleStore(t);
  const app = await buildTestApp(t, store);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  const seq = 'GATTACAGATTACA';
  const md5 = createHash('md5').update(seq).digest('hex');
  const before = await fetchDigest(`http://127.0.0.1:${address.port}/sequence/${md5}`);
  t.equal(before.status, 404, 'not there yet');
  const dir = tempDir(t);
  writeFileSync(join(dir, 'new.fa'), `>new\n${seq}\n`);
  await runIngest([join(dir, 'new.fa')], { store, namingAuthority: 'lab' });
  const after = await fetchDigest(`http://127.0.0.1:${address.port}/sequence/lab:new`);
  t.equal(after.status, 200, 'served without a restart, by its new alias');
  t.equal(after.md5, md5);
  const again = await fetchDigest(`http://127.0.0.1:${address.port}/sequence/${md5}`);
  t.equal(again.status, 200, 'the id that was 404 before the ingest is found now (no stale cache)');
  const info = await app.inject({ url: '/service-info' });
  t.ok(
    (info.json() as { refget: { identifier_types: string[] } }).refget.identifier_types.includes('lab'),
    'new naming authority advertised',
  );
});
