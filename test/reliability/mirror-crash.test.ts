// A mirror killed (SIGKILL) in the middle of a fetch restarts clean: its half-written download is
// removed at start, the store holds nothing of it and verifies, and the same id then fills.
import t from 'tap';
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runVerify } from '../../src/cli/verify-command.js';
import { mirrorTempDir } from '../../src/mirror/mirror.js';
import { fakeUpstream, storeState } from '../helpers/mirror.js';
import { tempDir } from '../helpers/sample-store.js';
import { serve } from '../helpers/serve-process.js';

/** `n` seeded pseudo-random bases (with an N run), and their md5 computed here. */
function bases(n: number): { text: Buffer; md5: string } {
  const text = Buffer.alloc(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    text[i] = 'ACGT'.charCodeAt(x >>> 30);
  }
  text.fill('N', 1000, 2000);
  return { text, md5: createHash('md5').update(text).digest('hex') };
}

/** Waits (polling, bounded) until `check` holds. */
async function until(check: () => boolean, what: string, ms = 30_000): Promise<void> {
  const giveUp = Date.now() + ms;
  while (!check()) {
    if (Date.now() > giveUp) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

t.test('killed mid-fetch: restarts clean, then fills the same id', async (t) => {
  const { text, md5 } = bases(3_000_000);
  let stall = true;
  const upstream = await fakeUpstream(t, (_req, res) => {
    res.writeHead(200, { 'content-length': String(text.length) });
    // The first run's upstream sends 2.5 MB and stalls; the second sends everything.
    if (stall) res.write(text.subarray(0, 2_500_000));
    else res.end(text);
  });
  const store = join(tempDir(t), 'store');
  const args = ['--store', store, '--workers', '1', '--upstream', upstream.url, '--upstream-timeout', '120'];
  const first = await serve(t, args);
  const waiting = request(`${first.url}/sequence/${md5}`);
  waiting.on('error', () => undefined); // the server is killed under it
  waiting.end();
  const temp = mirrorTempDir(store);
  const partSize = (): number => readdirSync(temp).reduce((n, f) => n + statSync(join(temp, f)).size, 0);
  await until(() => partSize() >= 1 << 20, 'a partial download on disk');
  first.child.kill('SIGKILL');
  await first.exited;
  t.ok(partSize() >= 1 << 20, 'the killed mirror left a partial download');
  t.equal(storeState(store).sequences, 0, 'and no sequence');

  stall = false;
  const second = await serve(t, args);
  t.same(readdirSync(temp), [], 'the restarted mirror removed the orphan');
  const verified = await runVerify(store);
  t.same([verified.sequences, verified.problems, verified.indexProblems], [0, [], []], 'the store verifies');
  const res = await fetch(`${second.url}/sequence/${md5}`);
  t.equal(res.status, 200);
  t.equal(
    createHash('md5')
      .update(Buffer.from(await res.arrayBuffer()))
      .digest('hex'),
    md5,
    'the same id fills',
  );
  second.child.kill('SIGTERM');
  await second.exited;
  const after = await runVerify(store);
  t.same([after.sequences, after.bases, after.problems], [1, text.length, []]);
});
