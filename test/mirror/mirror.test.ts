// Pull-through mirroring in one process: a mirror app (empty store) in front of a real upstream
// (this project's server over the bundled sample) and of faulty ones. Expected bases and digests
// come from the compliance fixtures, never from the code under test.
import t from 'tap';
import { createHash } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { runIngest } from '../../src/cli/ingest-command.js';
import { runVerify } from '../../src/cli/verify-command.js';
import { IngestSession } from '../../src/store/ingest-session.js';
import { prepareMirrorStore } from '../../src/mirror/mirror.js';
import { EXPECTED, REFGET_JSON_TYPE } from '../helpers/refget-expected.js';
import { tempDir } from '../helpers/sample-store.js';
import { endlessBody, fakeUpstream, fixtureBases, mirrorApp, realUpstream, storeState } from '../helpers/mirror.js';

const I = EXPECTED.I;
const VI = EXPECTED.VI;
const chrI = fixtureBases('I');
const chrVI = fixtureBases('VI');

t.test('a miss is fetched, verified, stored and served; the next request is local', async (t) => {
  const upstream = await realUpstream(t);
  const { app, dir } = await mirrorApp(t, [upstream.url]);
  t.same(storeState(dir).sequences, 0, 'the mirror starts empty');

  const slice = await app.inject(`/sequence/${I.md5}?start=10&end=20`);
  t.equal(slice.statusCode, 200);
  t.equal(slice.body, chrI.slice(10, 20));
  const meta = await app.inject(`/sequence/${VI.ga4gh}/metadata`);
  t.equal(meta.statusCode, 200);
  const m = (meta.json() as { metadata: { md5: string; ga4gh: string; length: number; aliases: unknown[] } }).metadata;
  t.same([m.md5, m.ga4gh, m.length, m.aliases], [VI.md5, VI.ga4gh, VI.length, []], 'both digests computed; no aliases');
  t.equal(storeState(dir).sequences, 2);

  // The upstream goes away: what was mirrored is served from the store.
  await upstream.app.close();
  const whole = await app.inject(`/sequence/${I.md5}`);
  t.equal(whole.statusCode, 200);
  t.equal(createHash('md5').update(whole.body).digest('hex'), I.md5);
  const byTrunc = await app.inject(`/sequence/${VI.trunc512}?start=0&end=5`);
  t.equal(byTrunc.body, chrVI.slice(0, 5), 'another id form of a mirrored sequence is local too');
  const report = await runVerify(dir);
  t.same([report.sequences, report.problems, report.indexProblems], [2, [], []], 'refget verify: sound');

  const metrics = (await app.inject('/metrics')).body;
  t.match(metrics, /refget_mirror_requests_total\{result="stored",via="fetch"\} 2/);
  t.match(metrics, /refget_upstream_fetches_total\{result="ok"\} 2/);
  t.match(metrics, new RegExp(`refget_upstream_bytes_total ${chrI.length + chrVI.length}\\b`));
  const info = (await app.inject('/service-info')).json() as { mirror?: { upstreams: string[] } };
  t.same(info.mirror, { upstreams: [upstream.url] });
});

t.test('every route that names a sequence by digest fills on a miss', async (t) => {
  const upstream = await realUpstream(t);
  for (const path of [
    `/sequence/ga4gh:${VI.ga4gh}?start=0&end=4`,
    `/sequence/md5:${VI.md5}?start=0&end=4`,
    `/cram/md5/${VI.md5}?start=0&end=4`,
    `/seqrepo/1/sequence/MD5:${VI.md5}?start=0&end=4`,
    `/seqrepo/1/sequence/ga4gh:${VI.ga4gh}?start=0&end=4`,
  ]) {
    const { app } = await mirrorApp(t, [upstream.url]);
    const res = await app.inject(path);
    t.same([res.statusCode, res.body], [200, chrVI.slice(0, 4)], path);
  }
  const { app } = await mirrorApp(t, [upstream.url]);
  const meta = await app.inject(`/seqrepo/1/metadata/ga4gh:${VI.ga4gh}`);
  t.equal((meta.json() as { length: number }).length, VI.length, 'seqrepo metadata');
});

t.test('aliases and unknown ids: not forwarded / 404, and a not-found is remembered', async (t) => {
  const upstream = await fakeUpstream(t, (_req, res) => res.writeHead(404).end());
  const { app } = await mirrorApp(t, [upstream.url]);
  const alias = await app.inject('/sequence/insdc:BK006935.2');
  t.equal(alias.statusCode, 404);
  t.equal(upstream.requests.length, 0, 'an alias never reaches the upstream');
  for (let i = 0; i < 3; i++) {
    const res = await app.inject(`/sequence/${I.md5}`);
    t.equal(res.statusCode, 404);
    t.equal((res.json() as { error: string }).error, 'SEQUENCE_NOT_FOUND');
  }
  t.same(
    upstream.requests.map((r) => r.url),
    [`/sequence/${I.md5}`],
    'one upstream request; the repeats were answered from the negative cache',
  );
  t.match((await app.inject('/metrics')).body, /refget_mirror_requests_total\{result="not_found",via="cache"\} 2/);
  // A ga4gh id that a v1-only upstream does not know as SQ.: asked again by trunc512.
  await app.inject(`/sequence/${VI.ga4gh}`);
  t.same(
    upstream.requests.slice(1).map((r) => r.url),
    [`/sequence/${VI.ga4gh}`, `/sequence/${VI.trunc512}`],
  );
});

t.test('v1 fallbacks: a server refusing v2 media types, a server knowing only trunc512', async (t) => {
  const strictV1 = await fakeUpstream(t, (req, res) => {
    if (req.headers.accept !== 'text/vnd.ga4gh.refget.v1.0.0+plain') return void res.writeHead(406).end();
    if (req.url === `/sequence/${VI.trunc512}`) return void res.writeHead(200, { 'content-type': 'text/plain' }).end(chrVI);
    res.writeHead(404).end();
  });
  const { app } = await mirrorApp(t, [strictV1.url]);
  const res = await app.inject(`/sequence/${VI.ga4gh}?start=0&end=8`);
  t.same([res.statusCode, res.body], [200, chrVI.slice(0, 8)]);
  t.same(
    strictV1.requests.map((r) => r.url),
    [`/sequence/${VI.ga4gh}`, `/sequence/${VI.trunc512}`],
  );
  // An ENA-style template: md5 ids only, lower-case bases with line breaks are normalised.
  const template = await fakeUpstream(t, (req, res) => {
    if (req.url === `/cram/md5/${I.md5}`) return void res.writeHead(200).end(chrI.toLowerCase().replace(/(.{60})/g, '$1\n'));
    res.writeHead(404).end();
  });
  const ena = await mirrorApp(t, [`${template.url}/cram/md5/%s`]);
  const viaTemplate = await ena.app.inject(`/sequence/${I.md5}?start=100&end=110`);
  t.same([viaTemplate.statusCode, viaTemplate.body], [200, chrI.slice(100, 110)]);
  const ga4ghOnly = await ena.app.inject(`/sequence/${VI.ga4gh}`);
  t.equal(ga4ghOnly.statusCode, 404, 'a template upstream is not asked for ga4gh ids');
  t.equal(template.requests.length, 1);
});

// A faulty upstream leaves the mirror's store exactly as it was, and says what went wrong.
const FAULTS: {
  name: string;
  handler: Parameters<typeof fakeUpstream>[1];
  status: number;
  code: string;
  message: RegExp;
  options?: Record<string, number>;
}[] = [
  {
    name: 'wrong bytes (another sequence)',
    handler: (_req, res) => res.writeHead(200).end(chrVI),
    status: 502,
    code: 'UPSTREAM_FAILED',
    message: /have md5 [0-9a-f]{32}, not the one asked for/,
  },
  {
    name: 'one base changed',
    handler: (_req, res) => res.writeHead(200).end(`${chrI.slice(0, 1000)}${chrI[1000] === 'A' ? 'C' : 'A'}${chrI.slice(1001)}`),
    status: 502,
    code: 'UPSTREAM_FAILED',
    message: /not the one asked for/,
  },
  {
    name: 'a truncated body (Content-Length longer than what came)',
    handler: (_req, res) => {
      res.writeHead(200, { 'content-length': String(chrI.length) });
      res.write(chrI.slice(0, 100_000));
      setImmediate(() => res.destroy());
    },
    status: 502,
    code: 'UPSTREAM_FAILED',
    message: /the body was cut off after 100000 bytes/,
  },
  {
    name: 'a body cut short without Content-Length',
    handler: (_req, res) => {
      res.writeHead(200);
      res.end(chrI.slice(0, 100_000));
    },
    status: 502,
    code: 'UPSTREAM_FAILED',
    message: /the 100000 bases it sent have md5/,
  },
  {
    name: 'HTTP 500',
    handler: (_req, res) => res.writeHead(500).end('boom'),
    status: 502,
    code: 'UPSTREAM_FAILED',
    message: /HTTP 500/,
  },
  {
    name: 'a JSON error with status 200',
    handler: (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"error":"nope"}'),
    status: 502,
    code: 'UPSTREAM_FAILED',
    message: /the 9 bases it sent/,
  },
  {
    name: 'no answer at all (headers never come)',
    handler: () => undefined,
    status: 504,
    code: 'UPSTREAM_TIMEOUT',
    message: /no response within 300 ms/,
    options: { headersTimeoutMs: 300, idleTimeoutMs: 300 },
  },
  {
    name: 'a body that stalls half way',
    handler: (_req, res) => {
      res.writeHead(200, { 'content-length': String(chrI.length) });
      res.write(chrI.slice(0, 50_000));
    },
    status: 504,
    code: 'UPSTREAM_TIMEOUT',
    message: /stalled for 300 ms after 50000 bytes/,
    options: { headersTimeoutMs: 300, idleTimeoutMs: 300 },
  },
  {
    name: 'an endless body',
    handler: endlessBody('A'),
    status: 502,
    code: 'UPSTREAM_FAILED',
    message: /longer than 3000000 bases/,
    options: { maxBases: 3_000_000 },
  },
  {
    name: 'an endless body of spaces (no bases at all)',
    handler: endlessBody(' '),
    status: 502,
    code: 'UPSTREAM_FAILED',
    message: /more than twice the 3000000-base limit/,
    options: { maxBases: 3_000_000 },
  },
  {
    name: 'a body that drips (a few bytes now and then, never idle long enough to time out)',
    handler: (_req, res) => {
      res.writeHead(200);
      const drip = setInterval(() => res.write('ACGT'), 20);
      res.on('close', () => clearInterval(drip));
    },
    status: 504,
    code: 'UPSTREAM_TIMEOUT',
    message: /the body came at \d+ bytes\/s/,
    options: { headersTimeoutMs: 300, idleTimeoutMs: 300 },
  },
];

for (const fault of FAULTS) {
  t.test(`faulty upstream: ${fault.name} → ${fault.status}, nothing stored`, async (t) => {
    const upstream = await fakeUpstream(t, fault.handler);
    const { app, dir } = await mirrorApp(t, [upstream.url], fault.options);
    const before = storeState(dir);
    const res = await app.inject(`/sequence/${I.md5}`);
    t.equal(res.statusCode, fault.status);
    t.equal(res.headers['content-type'], REFGET_JSON_TYPE);
    t.equal(res.headers['cache-control'], 'no-store', 'a proxy must not keep the failure');
    const body = res.json() as { error: string; message: string; id: string };
    t.equal(body.error, fault.code);
    t.match(body.message, fault.message);
    t.equal(body.id, I.md5);
    t.notMatch(res.body, /at .*\.ts:\d+/, 'no stack');
    const after = storeState(dir);
    t.same(after, before, 'no sequence, no pack bytes, no temp file');
    const report = await runVerify(dir);
    t.same([report.problems, report.indexProblems], [[], []], 'refget verify: sound');
    t.match((await app.inject('/metrics')).body, /refget_mirror_requests_total\{result="failed",via="fetch"\} 1/);
  });
}

t.test('connection refused; then the next upstream in order supplies it', async (t) => {
  const good = await realUpstream(t);
  // A port that was just in use and is closed now: nothing listens there.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const closed = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise((resolve) => probe.close(resolve));
  const { app: alone } = await mirrorApp(t, [closed]);
  const refused = await alone.inject(`/sequence/${I.md5}`);
  t.equal(refused.statusCode, 502);
  t.match((refused.json() as { message: string }).message, /no answer \(ECONNREFUSED\)/);

  const wrong = await fakeUpstream(t, (_req, res) => res.writeHead(200).end(chrVI));
  const { app, dir } = await mirrorApp(t, [closed, wrong.url, good.url], { headersTimeoutMs: 300 });
  const res = await app.inject(`/sequence/${I.md5}?start=5&end=15`);
  t.same([res.statusCode, res.body], [200, chrI.slice(5, 15)], 'the third upstream, after a refusal and a mismatch');
  t.equal(wrong.requests.length, 1);
  t.equal(storeState(dir).sequences, 1);
  const metrics = (await app.inject('/metrics')).body;
  t.match(metrics, /refget_upstream_fetches_total\{result="error"\} 1/);
  t.match(metrics, /refget_upstream_fetches_total\{result="mismatch"\} 1/);
  t.match(metrics, /refget_upstream_fetches_total\{result="ok"\} 1/);
});

t.test('concurrent misses for one id share one fetch; fetches are bounded', async (t) => {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let inFlight = 0;
  let most = 0;
  const upstream = await fakeUpstream(t, (req, res) => {
    inFlight++;
    most = Math.max(most, inFlight);
    void gate.then(() => {
      inFlight--;
      const body = req.url === `/sequence/${I.md5}` ? chrI : req.url === `/sequence/${VI.md5}` ? chrVI : undefined;
      if (body === undefined) res.writeHead(404).end();
      else res.writeHead(200).end(body);
    });
  });
  const { app } = await mirrorApp(t, [upstream.url], { concurrency: 2 });
  const ids = [I.md5, VI.md5, '0'.repeat(32), '1'.repeat(32)];
  const pending = [...Array(20).keys()].map((i) => app.inject(`/sequence/${ids[i % 4]}?start=0&end=3`));
  // Let the requests reach the upstream (two at most), then answer them all.
  while (upstream.requests.length < 2) await new Promise((resolve) => setImmediate(resolve));
  release();
  const answers = await Promise.all(pending);
  t.same(
    answers.slice(0, 4).map((r) => r.statusCode),
    [200, 200, 404, 404],
  );
  t.ok(
    answers.every((r, i) => r.statusCode === answers[i % 4]!.statusCode),
    'every request for an id got the same answer',
  );
  t.equal(upstream.requests.length, 4, 'one upstream request per id for 20 requests');
  t.equal(most, 2, 'never more than the concurrency bound at once');
  t.match((await app.inject('/metrics')).body, /refget_mirror_requests_total\{result="stored",via="shared"\} 8/);
});

t.test('a private collection’s sequence is never forwarded; a stored digest is never fetched again', async (t) => {
  const upstream = await fakeUpstream(t, (_req, res) => res.writeHead(200).end(chrI));
  // A store whose only collection (holding I) is private to one token.
  const work = tempDir(t);
  const store = join(work, 'store');
  writeFileSync(join(work, 'secret.fa'), `>secret\n${chrI}\n`);
  await runIngest([join(work, 'secret.fa')], { store, collectionName: 'secret' });
  const tokens = join(work, 'tokens.tsv');
  writeFileSync(tokens, 'tok\tsecret\n');
  chmodSync(tokens, 0o600);
  const { app } = await mirrorApp(t, [upstream.url], {}, store, { tokensFile: tokens });
  for (const id of [I.md5, I.ga4gh, I.trunc512]) {
    const hidden = await app.inject(`/sequence/${id}`);
    t.equal(hidden.statusCode, 404, `${id} without the token: 404 as an unknown id`);
    const granted = await app.inject({ url: `/sequence/${id}?start=0&end=5`, headers: { authorization: 'Bearer tok' } });
    t.same([granted.statusCode, granted.body], [200, chrI.slice(0, 5)]);
  }
  t.equal(upstream.requests.length, 0, 'the id never left the server');

  const open = await mirrorApp(t, [upstream.url]);
  await open.app.inject(`/sequence/${I.md5}`);
  await open.app.inject(`/sequence/${I.md5}`);
  await open.app.inject(`/sequence/${I.ga4gh}`);
  t.equal(upstream.requests.length, 1, 'once stored, every id form of it is local');
  t.equal(storeState(open.dir).sequences, 1);
});

t.test('an ingest holding the store: 503 STORE_LOCKED after the wait, then it fills', async (t) => {
  const upstream = await realUpstream(t);
  const { app, dir } = await mirrorApp(t, [upstream.url], { lockWaitMs: 300 });
  const ingest = IngestSession.open(dir);
  const locked = await app.inject(`/sequence/${I.md5}`);
  t.equal(locked.statusCode, 503);
  t.equal((locked.json() as { error: string }).error, 'STORE_LOCKED');
  t.ok(locked.headers['retry-after']);
  t.same(storeState(dir).tempFiles, [], 'the verified download was not kept');
  ingest.rollback();
  const ok = await app.inject(`/sequence/${I.md5}?start=0&end=10`);
  t.same([ok.statusCode, ok.body], [200, chrI.slice(0, 10)]);
});

t.test('a mirror starts on a store an ingest is writing to, and creates a store that is missing', async (t) => {
  const upstream = await realUpstream(t);
  const { dir } = await mirrorApp(t, [upstream.url]);
  const ingest = IngestSession.open(dir);
  t.teardown(() => ingest.rollback());
  // Waiting for the lock would end in STORE_LOCKED: it is not taken at all.
  t.doesNotThrow(() => prepareMirrorStore(dir));
  const fresh = join(tempDir(t), 'new', 'store');
  prepareMirrorStore(fresh);
  t.equal(storeState(fresh).sequences, 0, 'an empty store, created');
});

t.test('a client asking for many made-up digests: a few queue, the rest get 503 at once', async (t) => {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const upstream = await fakeUpstream(t, (_req, res) => void gate.then(() => res.writeHead(404).end()));
  const { app } = await mirrorApp(t, [upstream.url], { concurrency: 1, maxQueued: 2 });
  const ids = [...Array(6).keys()].map((i) => String(i).repeat(32));
  // inject() starts a request when its answer is first asked for: ask in order, now.
  const pending = ids.map((id) => app.inject(`/sequence/${id}`).then((r) => r));
  // One fetch runs, two wait for its slot; the other three are refused without waiting.
  const refused = (await Promise.race([Promise.all(pending.slice(3)), gate.then(() => [])])) as Awaited<
    (typeof pending)[number]
  >[];
  t.same(
    refused.map((r) => [r.statusCode, (r.json() as { error: string }).error, r.headers['retry-after'] !== undefined]),
    [
      [503, 'OVERLOADED', true],
      [503, 'OVERLOADED', true],
      [503, 'OVERLOADED', true],
    ],
    'answered while the gate is still closed',
  );
  release();
  const accepted = await Promise.all(pending.slice(0, 3));
  t.same(
    accepted.map((r) => r.statusCode),
    [404, 404, 404],
  );
  t.equal(upstream.requests.length, 3, 'the refused ids never reached the upstream');
  t.match((await app.inject('/metrics')).body, /refget_mirror_requests_total\{result="failed",via="refused"\} 3/);
});

t.test('a client waiting on a long fill is not cut by the idle-connection timeout', async (t) => {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const upstream = await fakeUpstream(t, (_req, res) => void gate.then(() => res.writeHead(200).end(chrI)));
  const { app } = await mirrorApp(t, [upstream.url], { headersTimeoutMs: 60_000 });
  const sockets: Socket[] = [];
  app.server.on('connection', (socket: Socket) => sockets.push(socket));
  let whileAnswering: number | undefined;
  app.addHook('onSend', async (request) => {
    whileAnswering = request.raw.socket.timeout;
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const answer = fetch(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/sequence/${I.md5}?start=0&end=10`);
  while (upstream.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
  const idle = sockets[0]!.timeout;
  t.equal(idle, 0, 'no idle timeout while the upstream is sending');
  release();
  const res = await answer;
  t.same([res.status, await res.text()], [200, chrI.slice(0, 10)]);
  t.equal(whileAnswering, 30_000, 'the idle timeout is back for the answer (a reader that stalls is cut)');
});
