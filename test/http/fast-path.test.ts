// The fast path (src/http/fast-path.ts) against Fastify on real sockets: the same requests sent
// to an app with it and to one without must get byte-identical answers (status, every header but
// Date, in order, and body), and the fast path must answer exactly the plain successful GETs and
// hand everything else to Fastify. Metrics and request logs must not tell the two apart.
import t from 'tap';
import { Agent, request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { runIngest } from '../../src/cli/ingest-command.js';
import { FastPath } from '../../src/http/fast-path.js';
import { serverFactory } from '../../src/http/http-server.js';
import { RequestTallies } from '../../src/http/request-tallies.js';
import { SequenceStore } from '../../src/store/sequence-store.js';
import type { ServerConfig } from '../../src/config.js';
import { FIXTURES, buildTestApp, sampleStore, tempDir, testConfig } from '../helpers/sample-store.js';
import { BROWSER_ACCEPT, EXPECTED, SUITE_JSON_ACCEPT, type Test } from '../helpers/refget-expected.js';

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}
interface Probe {
  method?: string;
  path: string;
  headers?: OutgoingHttpHeaders;
  body?: string;
  fast: boolean;
  keepAlive?: boolean;
}

function send(port: number, probe: Probe): Promise<Raw> {
  return new Promise((resolve, reject) => {
    // A connection of its own each time; keep-alive ones stay open, so their Keep-Alive header shows.
    const agent = probe.keepAlive === true ? new Agent({ keepAlive: true }) : false;
    const req = request(
      { host: '127.0.0.1', port, method: probe.method ?? 'GET', path: probe.path, headers: probe.headers ?? {}, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (agent) agent.destroy();
        });
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(probe.body);
  });
}

async function listen(app: FastifyInstance): Promise<number> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return address.port;
}

/** Every header but Date, as sent (name and value pairs, in order). */
const withoutDate = (raw: string[]): string[] =>
  raw.filter((_, i) => (i % 2 === 1 ? raw[i - 1]!.toLowerCase() !== 'date' : raw[i]!.toLowerCase() !== 'date'));

/** Two apps over one store directory, one with the fast path and one without, both listening. */
async function pair(
  t: Test,
  storeDir: string,
  overrides: Partial<ServerConfig> = {},
): Promise<{ fast: FastifyInstance; slow: FastifyInstance; fastPort: number; slowPort: number }> {
  const fast = await buildTestApp(t, storeDir, overrides);
  const slow = await buildTestApp(t, storeDir, { ...overrides, fastPath: false });
  t.ok(fast.fastPath, 'the default app has a fast path');
  t.equal(slow.fastPath, null, 'fastPath: false builds none');
  return { fast, slow, fastPort: await listen(fast), slowPort: await listen(slow) };
}

/**
 * Sends each probe to both apps: identical answers, and the fast path answers exactly the `fast`
 * ones. Returns the answers.
 */
async function compare(t: Test, apps: Awaited<ReturnType<typeof pair>>, probes: Probe[]): Promise<Raw[]> {
  const answers: Raw[] = [];
  for (const probe of probes) {
    const label = `${probe.method ?? 'GET'} ${probe.path}${probe.headers ? ` ${JSON.stringify(probe.headers)}` : ''}`;
    const before = apps.fast.fastPath!.answered;
    const a = await send(apps.fastPort, probe);
    const answered = apps.fast.fastPath!.answered - before;
    const b = await send(apps.slowPort, probe);
    t.equal(answered, probe.fast ? 1 : 0, `${label}: ${probe.fast ? 'answered by the fast path' : 'left to Fastify'}`);
    t.equal(a.status, b.status, `${label}: same status (${b.status})`);
    t.same(withoutDate(a.rawHeaders), withoutDate(b.rawHeaders), `${label}: same headers in the same order`);
    t.ok(a.body.equals(b.body), `${label}: same body (${b.body.length} bytes)`);
    answers.push(a);
  }
  return answers;
}

const { I, VI, NC } = EXPECTED;
const sq = (id: string): string => `/sequence/${id}`;

t.test('plain GETs are answered by the fast path exactly as Fastify answers them; everything else falls through', async (t) => {
  const apps = await pair(t, await sampleStore(t));
  await compare(t, apps, [
    // Answered on the fast path.
    { path: sq(`${I.md5}?start=0&end=10`), fast: true },
    { path: sq(`${I.md5}?end=20&start=10`), fast: true },
    { path: sq(`${I.md5}?start=230000`), fast: true },
    { path: sq(`${I.md5}?end=7`), fast: true },
    { path: sq(`${I.md5}?start=0&end=0`), fast: true },
    { path: sq(I.md5), fast: true },
    { path: sq(NC.md5), fast: true },
    { path: sq(`${NC.md5}?start=5380&end=5`), fast: true },
    { path: sq(I.ga4gh), headers: { range: 'bytes=0-9' }, fast: true },
    { path: sq(`ga4gh:${VI.ga4gh}`), headers: { range: 'bytes=270150-270160' }, fast: true },
    { path: sq(`md5:${I.md5}?start=5&end=15`), fast: true },
    { path: sq(`${I.trunc512}?start=5&end=15`), fast: true },
    { path: sq(`insdc:BK006935.2?start=5&end=15`), fast: true },
    { path: sq(`${I.md5.toUpperCase()}?start=1&end=2`), fast: true },
    { path: sq(`${I.md5}?start=0&end=10`), headers: { accept: 'text/plain' }, fast: true },
    { path: sq(`${I.md5}?start=0&end=10`), headers: { accept: '*/*' }, fast: true },
    { path: sq(`${I.md5}?start=0&end=10`), headers: { accept: 'text/vnd.ga4gh.refget.v2.0.0+plain' }, fast: true },
    { path: sq(`${I.md5}?start=0&end=10`), headers: { accept: BROWSER_ACCEPT }, fast: true },
    { path: sq(`${I.md5}?start=0&end=10`), headers: { origin: 'https://example.org' }, fast: true },
    { path: sq(`${I.md5}?start=0&end=10`), keepAlive: true, fast: true },
    { path: sq(`${I.md5}/metadata`), keepAlive: true, fast: true },
    { path: sq(`${I.md5}/metadata`), fast: true },
    { path: sq(`${VI.ga4gh}/metadata`), headers: { accept: SUITE_JSON_ACCEPT }, fast: true },
    { path: sq(`insdc:NC_001422.1/metadata`), fast: true },
    // Left to Fastify.
    { method: 'HEAD', path: sq(`${I.md5}?start=0&end=10`), fast: false },
    { path: sq(`${I.md5}?start=0&end=10`), headers: { 'if-none-match': `"${I.ga4gh.slice(3)}.0-10"` }, fast: false },
    { path: sq(`${I.md5}?start=0&end=10`), headers: { 'if-none-match': '"other"' }, fast: false },
    { path: sq(`${I.md5}?start=0&end=10`), headers: { accept: 'text/x-fasta' }, fast: false },
    { path: sq(`${I.md5}?start=0&end=10`), headers: { accept: 'application/json' }, fast: false },
    { path: sq(`${I.md5}/metadata`), headers: { accept: 'text/plain' }, fast: false },
    { path: sq(`${I.md5}?start=0&end=10&accept=text/plain`), fast: false },
    { path: sq(`${I.md5}/metadata?accept=application/json`), fast: false },
    { path: sq('00000000000000000000000000000000'), fast: false },
    { path: sq('00000000000000000000000000000000/metadata'), fast: false },
    { path: sq(`${I.md5}?start=abc`), fast: false },
    { path: sq(`${I.md5}?start=300000`), fast: false },
    { path: sq(`${I.md5}?end=300000`), fast: false },
    { path: sq(`${I.md5}?start=10&end=5`), fast: false },
    { path: sq(`${I.md5}?start=1&start=2`), fast: false },
    { path: sq(`${I.md5}?start=1&end=2&x=3`), fast: false },
    { path: sq(`${I.md5}?`), fast: false },
    { path: sq(I.md5), headers: { range: 'bytes=5-1' }, fast: false },
    { path: sq(I.md5), headers: { range: 'bytes=0-1,3-4' }, fast: false },
    // one-sided ranges are plain requests: the fast path answers them (the whole 230 kb: under 1 MiB)
    { path: sq(I.md5), headers: { range: 'bytes=230000-' }, fast: true },
    { path: sq(I.md5), headers: { range: 'bytes=-100' }, fast: true },
    { path: sq(I.md5), headers: { range: 'bytes=-0' }, fast: false },
    { path: sq(I.md5), headers: { range: 'bytes=300000-300001' }, fast: false },
    { path: sq(`${I.md5}?start=0`), headers: { range: 'bytes=0-1' }, fast: false },
    { path: sq('insdc%3ABK006935.2?start=5&end=15'), fast: false },
    { path: sq('service-info'), fast: false },
    { path: sq(`${I.md5}/`), fast: false },
    { path: `/Sequence/${I.md5}`, fast: false },
    {
      method: 'POST',
      path: sq(`${I.md5}?start=0&end=10`),
      headers: { 'content-type': 'application/json' },
      body: '{}',
      fast: false,
    },
    {
      method: 'OPTIONS',
      path: sq(I.md5),
      headers: { origin: 'https://example.org', 'access-control-request-method': 'GET' },
      fast: false,
    },
    {
      path: sq(`${I.md5}?start=0&end=10`),
      headers: { 'content-type': 'text/plain', 'content-length': '1' },
      body: 'x',
      fast: false,
    },
    {
      path: sq(`${I.md5}?start=0&end=10`),
      headers: { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' },
      body: 'x',
      fast: false,
    },
  ]);
});

t.test('server limits apply the same way on both paths', async (t) => {
  const apps = await pair(t, await sampleStore(t), { circularSupported: false, subsequenceLimit: 100 });
  await compare(t, apps, [
    { path: sq(`${I.md5}?start=0&end=100`), fast: true },
    { path: sq(I.md5), headers: { range: 'bytes=0-99' }, fast: true },
    { path: sq(I.md5), fast: true }, // the limit does not apply to the whole sequence
    { path: sq(`${I.md5}?start=0&end=101`), fast: false },
    { path: sq(I.md5), headers: { range: 'bytes=0-100' }, fast: false },
    { path: sq(`${NC.md5}?start=5380&end=5`), fast: false },
  ]);
});

t.test('bodies over 1 MiB go to Fastify, which streams them', async (t) => {
  const dir = tempDir(t);
  const fasta = join(dir, 'big.fa');
  const length = (1 << 20) + 1000;
  let seq = '';
  for (let i = 0; i < length; i++) seq += 'ACGTN'[(i * 7 + (i >> 9)) % 5];
  writeFileSync(fasta, `>big\n${seq.replace(/(.{60})/g, '$1\n')}\n`);
  const store = join(dir, 'store');
  await runIngest([fasta], { store });
  const s = SequenceStore.open(store);
  const md5 = [...s.allSequences()][0]!.md5;
  s.close();
  const apps = await pair(t, store);
  await compare(t, apps, [
    { path: sq(`${md5}?start=0&end=${1 << 20}`), fast: true },
    { path: sq(md5), headers: { range: `bytes=1000-${(1 << 20) + 999}` }, fast: true },
    { path: sq(`${md5}?start=0&end=${(1 << 20) + 1}`), fast: false },
    { path: sq(md5), fast: false },
  ]);
  const whole = await send(apps.fastPort, { path: sq(md5), fast: false });
  t.equal(whole.body.toString('latin1'), seq, 'the streamed whole sequence is the normalised input');
});

t.test('metrics count fast-path requests as Fastify counts them', async (t) => {
  const apps = await pair(t, await sampleStore(t));
  const probes: Probe[] = [
    { path: sq(`${I.md5}?start=0&end=10`), fast: true },
    { path: sq(`${NC.md5}?start=5380&end=5`), fast: true },
    { path: sq(I.md5), headers: { range: 'bytes=0-9' }, fast: true },
    { path: sq(`${I.md5}/metadata`), fast: true },
    { path: sq('00000000000000000000000000000000'), fast: false },
  ];
  const answers = await compare(t, apps, probes);
  const counters = async (port: number): Promise<string[]> =>
    (await send(port, { path: '/metrics', fast: false })).body
      .toString()
      .split('\n')
      .filter(
        (l) =>
          /^refget_http_(requests_total|response_body_bytes_total|request_duration_seconds_count)\{/.test(l) &&
          l.includes('/sequence/'),
      );
  const fromFast = await counters(apps.fastPort);
  t.same(
    fromFast,
    await counters(apps.slowPort),
    'request counts, durations observed and body bytes by route and status are equal',
  );
  t.ok(
    fromFast.includes('refget_http_requests_total{method="GET",route="/sequence/:id",status="206"} 1'),
    'the Range request is counted as a 206',
  );
  // What the client received on the sequence route (the three bodies and the 404's JSON).
  const sequenceBytes = answers.filter((_, i) => !probes[i]!.path.endsWith('/metadata')).reduce((n, a) => n + a.body.length, 0);
  t.ok(
    fromFast.includes(`refget_http_response_body_bytes_total{route="/sequence/:id"} ${sequenceBytes}`),
    `body bytes of the sequence route: ${sequenceBytes}, as received`,
  );
});

t.test('each fast-path request is logged at info as Fastify logs it, and not at all at warn', async (t) => {
  const storeDir = await sampleStore(t);
  const build = async (
    fastPath: boolean,
    level: string,
  ): Promise<{ app: FastifyInstance; lines: Record<string, unknown>[]; port: number }> => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _e, cb) {
        for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
        cb();
      },
    });
    const store = SequenceStore.open(storeDir);
    const app = await buildApp({
      store,
      config: testConfig(storeDir, { fastPath, logLevel: level }),
      logger: { level, stream },
      closeStore: true,
      overload: false,
    });
    t.teardown(() => app.close());
    return { app, lines, port: await listen(app) };
  };
  const fast = await build(true, 'info');
  const slow = await build(false, 'info');
  const path = sq(`${I.md5}?start=0&end=10`);
  for (const side of [fast, slow]) {
    await send(side.port, { path, fast: true });
    await send(side.port, { path: sq(`${I.md5}/metadata`), fast: true });
  }
  t.equal(fast.app.fastPath!.answered, 2, 'both requests took the fast path');
  const requests = (lines: Record<string, unknown>[]): Record<string, unknown>[] => lines.filter((l) => l.msg === 'request');
  const shape = (l: Record<string, unknown>): unknown => ({
    keys: Object.keys(l).filter((k) => k !== 'time' && k !== 'pid'),
    level: l.level,
    method: l.method,
    url: l.url,
    status: l.status,
  });
  t.same(
    requests(fast.lines).map(shape),
    requests(slow.lines).map(shape),
    'the same log lines (keys, level, method, url, status)',
  );
  t.equal(requests(fast.lines).length, 2, 'one line per request');
  const ids = requests(fast.lines).map((l) => l.reqId);
  t.ok(
    ids.every((id) => typeof id === 'string' && /^req-[0-9a-z]+$/.test(id)) && new Set(ids).size === 2,
    "distinct request ids in Fastify's format",
  );
  t.ok(
    requests(fast.lines).every((l) => typeof l.ms === 'number' && l.ms >= 0),
    'durations in ms',
  );

  const quiet = await build(true, 'warn');
  await send(quiet.port, { path, fast: true });
  t.equal(quiet.app.fastPath!.answered, 1, 'the fast path answers at warn too');
  t.same(requests(quiet.lines), [], 'and logs nothing');

  const debug = await build(true, 'debug');
  await send(debug.port, { path, fast: false });
  t.equal(debug.app.fastPath!.answered, 0, 'at debug every request goes through Fastify (which logs more)');
  t.ok(
    debug.lines.some((l) => l.msg === 'sequence'),
    'with its debug line',
  );
});

t.test('private collections (a tokens file) turn the fast path off', async (t) => {
  const storeDir = await sampleStore(t);
  const tokens = join(tempDir(t), 'tokens.tsv');
  writeFileSync(tokens, 'secret\tXZlrcEGi6mlopZ2uD8ObHkQB1d0oDwKk\n', { mode: 0o600 }); // the sample's base.fa collection
  const app = await buildTestApp(t, storeDir, { tokensFile: tokens });
  t.equal(app.fastPath, null, 'no fast path');
});

t.test('FastPath answers only once started, not while overloaded, and not after stop()', async (t) => {
  const storeDir = await sampleStore(t);
  const store = SequenceStore.open(storeDir);
  t.teardown(() => store.close());
  const fast = new FastPath(store, testConfig(storeDir));
  let fallbacks = 0;
  const server = serverFactory(fast)(
    (_req, res) => {
      fallbacks++;
      res.writeHead(599).end('fallback');
    },
    { keepAliveTimeout: 1234, requestTimeout: 5678, connectionTimeout: 9012 },
  );
  t.equal(server.keepAliveTimeout, 1234, 'keepAliveTimeout as Fastify would set it');
  t.equal(server.requestTimeout, 5678, 'requestTimeout as Fastify would set it');
  t.equal(server.timeout, 9012, 'connectionTimeout as the socket timeout, as Fastify sets it');
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  t.teardown(() => server.close());
  const port = (server.address() as { port: number }).port;
  const probe: Probe = { path: sq(`${I.md5}?start=0&end=4`), fast: true };
  // The expected bases come from the FASTA in test/fixtures, not from the store.
  const fasta = readFileSync(join(FIXTURES, 'refget', 'I.faa'), 'utf8');
  const firstBases = fasta
    .slice(fasta.indexOf('\n') + 1)
    .replace(/\s/g, '')
    .slice(0, 4);

  t.equal((await send(port, probe)).status, 599, 'not started: Fastify answers');
  let overloaded = true;
  fast.start({
    corsHeaders: [],
    tallies: new RequestTallies([1]),
    overloaded: () => overloaded,
    log: undefined,
    genReqId: () => 'x',
  });
  t.equal((await send(port, probe)).status, 599, 'overloaded: Fastify answers (its guard sends the 503)');
  overloaded = false;
  const answer = await send(port, probe);
  t.equal(answer.status, 200, 'started: the fast path answers');
  t.equal(answer.body.toString(), firstBases, `the first four bases of I (${firstBases})`);
  fast.stop();
  t.equal((await send(port, probe)).status, 599, 'stopped: Fastify answers');
  t.equal(fallbacks, 3, 'every other request reached the fallback handler');
});
