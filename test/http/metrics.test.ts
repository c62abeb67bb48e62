// GET /metrics through app.inject: Prometheus text format; request counts, latency counts and body
// bytes move by exactly what the requests made (route patterns, never raw URLs); HEAD and 304
// send no bytes; streamed bodies are counted; store gauges follow an ingest at scrape time; each
// app has its own registry.
import t from 'tap';
import { createHash } from 'node:crypto';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { runIngest } from '../../src/cli/ingest-command.js';
import { SAMPLE, buildTestApp, sampleStore, tempDir } from '../helpers/sample-store.js';
import type { Test } from '../helpers/refget-expected.js';

const I_MD5 = '6681ac2f62509cfc220d78751b8dc524'; // expected-ids.json
const I_LENGTH = 230218;
const SEQ = '/sequence/:id';

/** Every sample line `name{labels} value` of a Prometheus text exposition, keyed by `name{labels}`. */
function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

async function scrape(app: FastifyInstance): Promise<Map<string, number>> {
  const res = await app.inject({ url: '/metrics' });
  if (res.statusCode !== 200) throw new Error(`/metrics answered ${res.statusCode}`);
  return parseMetrics(res.body);
}

const key = (name: string, labels: Record<string, string> = {}): string => {
  const entries = Object.entries(labels);
  return entries.length === 0 ? name : `${name}{${entries.map(([k, v]) => `${k}="${v}"`).join(',')}}`;
};
const requests = (method: string, route: string, status: number): string =>
  key('refget_http_requests_total', { method, route, status: String(status) });
const latencyCount = (method: string, route: string, status: number): string =>
  key('refget_http_request_duration_seconds_count', { method, route, status: String(status) });
const bytes = (route: string): string => key('refget_http_response_body_bytes_total', { route });

/** value after - value before (an absent sample counts as 0) */
function delta(before: Map<string, number>, after: Map<string, number>, name: string): number {
  return (after.get(name) ?? 0) - (before.get(name) ?? 0);
}

const storeDir = await sampleStore(t);

t.test('Prometheus text format with the refget and process metrics', async (t) => {
  const app = await buildTestApp(t, storeDir);
  const res = await app.inject({ url: '/metrics' });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  t.equal(res.headers['cache-control'], 'no-store');
  for (const [name, type] of [
    ['refget_http_requests_total', 'counter'],
    ['refget_http_request_duration_seconds', 'histogram'],
    ['refget_http_response_body_bytes_total', 'counter'],
    ['refget_store_sequences', 'gauge'],
    ['refget_store_collections', 'gauge'],
    ['refget_store_size_bytes', 'gauge'],
    ['process_resident_memory_bytes', 'gauge'],
    ['nodejs_eventloop_lag_seconds', 'gauge'],
  ]) {
    t.match(res.body, new RegExp(`^# HELP ${name} \\S`, 'm'), `${name}: HELP`);
    t.match(res.body, new RegExp(`^# TYPE ${name} ${type}$`, 'm'), `${name}: TYPE ${type}`);
  }
  for (const line of res.body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    // NaN (prom-client writes "Nan") is a valid value: Go's ParseFloat, which Prometheus uses, takes any case.
    t.match(
      line,
      /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? (nan|[-+]?inf|[-+]?[0-9.]+(e[-+]?[0-9]+)?)$/i,
      `sample line: ${line.slice(0, 60)}`,
    );
  }
});

t.test('request counter and latency histogram move by exactly the requests made, by route pattern', async (t) => {
  const app = await buildTestApp(t, storeDir);
  const before = await scrape(app);
  for (let i = 0; i < 7; i++) await app.inject({ url: `/sequence/${I_MD5}?start=${i}&end=${i + 5}` });
  for (let i = 0; i < 3; i++) await app.inject({ url: `/sequence/no-such-sequence-${i}` });
  await app.inject({ method: 'HEAD', url: `/sequence/${I_MD5}` });
  await app.inject({ url: `/sequence/${I_MD5}/metadata` });
  await app.inject({ url: '/no/such/route/x7' });
  await app.inject({ url: '/no/such/route/y8' });
  const after = await scrape(app);

  t.equal(delta(before, after, requests('GET', SEQ, 200)), 7, '7 × GET 200');
  t.equal(delta(before, after, requests('GET', SEQ, 404)), 3, '3 × GET 404 on the same route pattern');
  t.equal(delta(before, after, requests('HEAD', SEQ, 200)), 1, '1 × HEAD');
  t.equal(delta(before, after, requests('GET', '/sequence/:id/metadata', 200)), 1, 'metadata route');
  t.equal(delta(before, after, requests('GET', 'unmatched', 404)), 2, 'unknown routes share one label');
  t.equal(delta(before, after, requests('GET', '/metrics', 200)), 1, 'the first scrape is counted by the second');
  t.equal(delta(before, after, latencyCount('GET', SEQ, 200)), 7, 'histogram count = requests');
  t.equal(delta(before, after, latencyCount('GET', SEQ, 404)), 3, 'histogram count for 404s');
  const inf = key('refget_http_request_duration_seconds_bucket', { le: '+Inf', method: 'GET', route: SEQ, status: '200' });
  t.equal(after.get(inf), after.get(latencyCount('GET', SEQ, 200)), '+Inf bucket = count');
  t.ok(
    (after.get(key('refget_http_request_duration_seconds_sum', { method: 'GET', route: SEQ, status: '200' })) ?? 0) > 0,
    'some time was spent',
  );

  const text = (await app.inject({ url: '/metrics' })).body;
  t.notMatch(text, /no-such-sequence|\/no\/such\/route|x7|y8/, 'raw URLs never become labels');
  t.notMatch(text, new RegExp(I_MD5), 'nor sequence ids');
});

t.test('body bytes: exact for buffered, ranged, streamed and FASTA bodies; none for HEAD and 304', async (t) => {
  const dir = tempDir(t);
  // Over the route's 1 MiB buffering limit, so the body goes out block by block.
  const length = 3_000_000;
  let seq = '';
  let x = 11;
  while (seq.length < length) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    seq += 'ACGT'[x >>> 30]!; // top bits: the low bits repeat every 2^18
  }
  const md5 = createHash('md5').update(seq).digest('hex');
  writeFileSync(join(dir, 'big.fa'), `>big\n${seq.replace(/(.{60})/g, '$1\n')}\n`);
  const store = join(dir, 'store');
  await runIngest([join(dir, 'big.fa')], { store });
  await runIngest([join(SAMPLE, 'I.faa')], { store });
  const app = await buildTestApp(t, store);

  const check = async (label: string, request: InjectOptions, expected: (body: Buffer) => number): Promise<void> => {
    const before = await scrape(app);
    const res = await app.inject(request);
    const after = await scrape(app);
    t.equal(delta(before, after, bytes(SEQ)), expected(res.rawPayload), `${label}: ${expected(res.rawPayload)} bytes counted`);
  };
  await check('buffered 200', { url: `/sequence/${I_MD5}` }, (b) => {
    t.equal(b.length, I_LENGTH);
    return I_LENGTH;
  });
  await check('Range 206', { url: `/sequence/${I_MD5}`, headers: { range: 'bytes=100-199' } }, () => 100);
  await check('streamed 200', { url: `/sequence/${md5}` }, (b) => {
    t.equal(b.length, length, 'whole body received');
    t.equal(createHash('md5').update(b).digest('hex'), md5, 'and intact through the counter');
    return length;
  });
  await check('streamed FASTA', { url: `/sequence/${md5}`, headers: { accept: 'text/x-fasta' } }, (b) => {
    t.match(b.subarray(0, 1).toString(), '>', 'FASTA header');
    return b.length;
  });
  await check('HEAD', { method: 'HEAD', url: `/sequence/${md5}` }, () => 0);
  const etag = (await app.inject({ url: `/sequence/${I_MD5}` })).headers.etag as string;
  await check('304', { url: `/sequence/${I_MD5}`, headers: { 'if-none-match': etag } }, () => 0);
});

t.test('store gauges are read at scrape time: an ingest shows up without a restart', async (t) => {
  const dir = tempDir(t);
  const store = join(dir, 'store');
  await runIngest([join(SAMPLE, 'I.faa')], { store });
  const app = await buildTestApp(t, store);
  const onDisk = (): number => {
    const files = [
      join(store, 'index.sqlite3'),
      join(store, 'index.sqlite3-wal'),
      ...readdirSync(join(store, 'packs')).map((f) => join(store, 'packs', f)),
    ];
    return files.reduce((n, f) => n + (statSync(f, { throwIfNoEntry: false })?.size ?? 0), 0);
  };
  const before = await scrape(app);
  t.equal(before.get('refget_store_sequences'), 1);
  t.equal(before.get('refget_store_collections'), 1);
  t.equal(before.get('refget_store_size_bytes'), onDisk(), 'size = packs + index on disk');

  writeFileSync(join(dir, 'two.fa'), '>a\nACGTACGTAC\n>b\nGATTACA\n');
  await runIngest([join(dir, 'two.fa')], { store });
  const after = await scrape(app);
  t.equal(after.get('refget_store_sequences'), 3, 'two more sequences');
  t.equal(after.get('refget_store_collections'), 2, 'one more collection');
  t.equal(after.get('refget_store_size_bytes'), onDisk(), 'size follows the files');
  t.ok(after.get('refget_store_size_bytes')! > before.get('refget_store_size_bytes')!, 'and grew');
});

t.test('each app has its own registry', async (t) => {
  const a = await buildTestApp(t, storeDir);
  const b = await buildTestApp(t, storeDir);
  const beforeB = await scrape(b);
  for (let i = 0; i < 4; i++) await a.inject({ url: `/sequence/${I_MD5}?start=0&end=1` });
  const afterA = await scrape(a);
  const afterB = await scrape(b);
  t.equal(afterA.get(requests('GET', SEQ, 200)), 4, 'app a counted its 4 requests from zero');
  t.equal(delta(beforeB, afterB, requests('GET', SEQ, 200)), 0, 'app b saw none of them');
});

function assertMonotonic(t: Test, before: Map<string, number>, after: Map<string, number>): void {
  for (const [name, value] of before) {
    if (name.startsWith('refget_http_')) t.ok((after.get(name) ?? 0) >= value, `${name} never decreases`);
  }
}

t.test('counters never go down between scrapes', async (t) => {
  const app = await buildTestApp(t, storeDir);
  await app.inject({ url: `/sequence/${I_MD5}` });
  const first = await scrape(app);
  await app.inject({ url: '/service-info' });
  assertMonotonic(t, first, await scrape(app));
});
