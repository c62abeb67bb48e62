// Overload (@fastify/under-pressure, http/overload.ts): a lagging event loop refuses new requests
// with a quick 503 + Retry-After only while other requests are in progress. An idle server never
// refuses, even right after one long synchronous request.
import t from 'tap';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { setImmediate as tick } from 'node:timers/promises';
import { stallAndSample } from '../helpers/overload.js';
import { buildApp } from '../../src/app.js';
import { SequenceStore } from '../../src/store/sequence-store.js';
import { sampleStore, testConfig } from '../helpers/sample-store.js';
import type { Test } from '../helpers/refget-expected.js';

const SLICE = '/sequence/6681ac2f62509cfc220d78751b8dc524?start=0&end=10';

async function overloadApp(t: Test) {
  const dir = await sampleStore(t);
  const app = await buildApp({
    store: SequenceStore.open(dir),
    config: testConfig(dir),
    logger: false,
    closeStore: true,
    overload: { maxEventLoopDelayMs: 50, sampleIntervalMs: 500, minBusy: 4 },
  });
  t.teardown(() => app.close());
  return app;
}

/** A request whose body never finishes arriving: in progress until its socket closes. */
async function hangingRequest(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(
    'POST /sequence/metadata HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"ids":[',
  );
  return socket;
}

t.test('an idle server answers every request after a long one, lag or not', async (t) => {
  const app = await overloadApp(t);
  t.equal((await app.inject({ url: SLICE })).statusCode, 200, 'healthy first');
  const lag = await stallAndSample(app, 650);
  t.ok(lag > 50, `the sampler saw ${Math.round(lag)} ms of lag (limit 50)`);
  const statuses = new Set<number>();
  for (let i = 0; i < 20; i++) statuses.add((await app.inject({ url: SLICE })).statusCode);
  t.same([...statuses], [200], '20 requests one after another, all 200');
});

t.test(
  'a lagging loop with requests in progress refuses new ones with 503 OVERLOADED + Retry-After, then recovers',
  async (t) => {
    const app = await overloadApp(t);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    const hanging = await Promise.all(Array.from({ length: 5 }, () => hangingRequest(port)));
    t.teardown(() => hanging.forEach((s) => s.destroy()));
    // Wait until the five are in progress (their headers parsed): a plain request still answers 200.
    t.equal((await app.inject({ url: SLICE })).statusCode, 200, 'no lag yet: 200 with requests in progress');
    await stallAndSample(app, 650);
    const refused = await app.inject({ url: SLICE });
    t.equal(refused.statusCode, 503);
    t.equal(refused.headers['retry-after'], '5');
    t.equal(refused.headers['cache-control'], 'no-store');
    t.equal(refused.json().error, 'OVERLOADED');
    t.match(refused.json().message, /requests in progress/);
    const health = await app.inject({ url: '/healthz' });
    t.equal(health.statusCode, 200, 'liveness answers even then');
    t.equal((await app.inject({ url: '/metrics' })).statusCode, 200, 'metrics answer even then');
    // The waiting requests go away: the next request is served although the lag sample is unchanged.
    for (const s of hanging) s.destroy();
    let status = 0;
    for (let i = 0; i < 100_000 && status !== 200; i++) {
      await tick();
      status = (await app.inject({ url: SLICE })).statusCode;
    }
    t.equal(status, 200, 'served once nothing else is in progress');
  },
);

t.test('the overload guard can be turned off', async (t) => {
  const dir = await sampleStore(t);
  const app = await buildApp({
    store: SequenceStore.open(dir),
    config: testConfig(dir),
    logger: false,
    closeStore: true,
    overload: false,
  });
  t.teardown(() => app.close());
  t.notOk(app.hasDecorator('isUnderPressure'));
  t.equal((await app.inject({ url: SLICE })).statusCode, 200);
});
