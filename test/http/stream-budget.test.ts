// Long downloads (bodies over 1 MiB) hold block buffers counted against a per-app budget
// (--stream-budget-mb): one that would go past it is refused at once with 503 OVERLOADED and
// Retry-After, small requests are unaffected, and the budget comes back when a client leaves.
import t from 'tap';
import { connect } from 'node:net';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { runIngest } from '../../src/cli/ingest-command.js';
import { streamBytesHeld, SEND_BLOCK_BYTES } from '../../src/http/send-blocks.js';
import { rng } from '../../scripts/reliability/lib/common.js';
import { buildTestApp, tempDir } from '../helpers/sample-store.js';

const BASES = 20_000_000; // far more than the socket buffers take: a client that stops reading stalls the download

t.test('a download past the budget is refused with 503; the budget comes back when the client leaves', async (t) => {
  const dir = tempDir(t);
  const rand = rng(20261203);
  const seq = Buffer.alloc(BASES);
  for (let i = 0; i < BASES; i++) seq[i] = 'ACGT'.charCodeAt(Math.floor(rand() * 4));
  writeFileSync(join(dir, 'big.fa'), `>big\n${seq.toString('latin1')}\n`);
  const md5 = createHash('md5').update(seq).digest('hex');
  const store = join(dir, 'store');
  await runIngest([join(dir, 'big.fa')], { store });
  // One download's two blocks fit; a second does not.
  const app = await buildTestApp(t, store, { streamBudgetMb: (2 * SEND_BLOCK_BYTES) / 2 ** 20 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;

  const slow = connect(port, '127.0.0.1');
  await once(slow, 'connect');
  slow.write(`GET /sequence/${md5} HTTP/1.1\r\nHost: x\r\n\r\n`);
  const [first] = (await once(slow, 'data')) as [Buffer];
  t.match(first.toString('latin1'), /^HTTP\/1\.1 200 /, 'the first download starts');
  slow.pause(); // and is read no further
  for (let i = 0; i < 1_000_000 && streamBytesHeld(app) < 2 * SEND_BLOCK_BYTES; i++) await tick();
  t.equal(streamBytesHeld(app), 2 * SEND_BLOCK_BYTES, 'it holds its two blocks');

  const refused = await app.inject({ url: `/sequence/${md5}` });
  t.equal(refused.statusCode, 503, 'a second long download: 503');
  t.equal(refused.json().error, 'OVERLOADED');
  t.equal(refused.headers['retry-after'], '5');
  t.equal(refused.headers['cache-control'], 'no-store');
  t.notOk(refused.headers.etag, 'no validator on the refusal');
  const small = await app.inject({ url: `/sequence/${md5}?start=10&end=20` });
  t.equal(small.statusCode, 200, 'a small request is served meanwhile');
  t.equal(small.body, seq.toString('latin1', 10, 20));

  slow.destroy();
  for (let i = 0; i < 1_000_000 && streamBytesHeld(app) > 0; i++) await tick();
  t.equal(streamBytesHeld(app), 0, 'the budget comes back when the client leaves');
  const again = await app.inject({ url: `/sequence/${md5}?start=0&end=${BASES}` });
  t.equal(again.statusCode, 200, 'a long download is served again');
  t.equal(createHash('md5').update(again.rawPayload).digest('hex'), md5, 'with the right bytes');
  t.equal(streamBytesHeld(app), 0, 'and gives its blocks back when done');
});
