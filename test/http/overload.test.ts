// Overload: when the event loop stalls, requests get a quick 503 with Retry-After (overload guard)
// instead of queueing without bound; once it recovers, requests succeed again.
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildApp } from '../../src/app.js';
import { SequenceStore } from '../../src/store/sequence-store.js';
import { sampleStore, testConfig } from '../helpers/sample-store.js';

t.test('a stalled event loop answers 503 + Retry-After, then recovers', async (t) => {
  const dir = await sampleStore(t);
  const app = await buildApp({
    store: SequenceStore.open(dir),
    config: testConfig(dir),
    logger: false,
    closeStore: true,
    overload: { maxEventLoopDelayMs: 50, sampleIntervalMs: 100 },
  });
  t.teardown(() => app.close());
  t.equal((await app.inject({ url: '/service-info' })).statusCode, 200, 'healthy first');
  await sleep(250); // past the guard's warm-up sample (start-up is not overload)
  // Stall the loop for 1.5 s: the mean lag over the next 100 ms sample is far above 50 ms.
  const until = Date.now() + 1500;
  while (Date.now() < until) {
    /* busy: nothing else runs */
  }
  await sleep(20);
  const stalled = await app.inject({ url: '/sequence/6681ac2f62509cfc220d78751b8dc524?start=0&end=10' });
  t.equal(stalled.statusCode, 503);
  t.equal(stalled.headers['retry-after'], '5');
  t.equal(stalled.json().error, 'OVERLOADED');
  let recovered = 0;
  for (let i = 0; i < 40 && recovered !== 200; i++) {
    await sleep(100);
    recovered = (await app.inject({ url: '/sequence/6681ac2f62509cfc220d78751b8dc524?start=0&end=10' })).statusCode;
  }
  t.equal(recovered, 200, 'back to normal once the loop is responsive');
});
