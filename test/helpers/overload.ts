// Driving the overload sampler (@fastify/under-pressure) from tests without fixed sleeps.
import { setImmediate as tick } from 'node:timers/promises';

interface Sampled {
  memoryUsage(): { eventLoopDelay: number; heapUsed: number; rssBytes: number };
}

/** Waits for the overload sampler's next sample (it takes a new memory reading each time). */
export async function nextSample(app: Sampled): Promise<void> {
  const before = JSON.stringify(app.memoryUsage());
  for (let i = 0; i < 1_000_000 && JSON.stringify(app.memoryUsage()) === before; i++) await tick();
}

/**
 * Blocks the event loop for `ms` (longer than the sample interval) right after a sample, as one
 * long synchronous request would, and returns the lag the sampler then reports.
 */
export async function stallAndSample(app: Sampled, ms: number): Promise<number> {
  await nextSample(app);
  const until = Date.now() + ms;
  while (Date.now() < until) {
    /* busy: nothing else runs */
  }
  await nextSample(app);
  return app.memoryUsage().eventLoopDelay;
}
