// A collection too large to answer on the request's thread (over the inline limit): its level-2
// body streams in chunks, and while its comparison is computed other requests are answered first.
import t from 'tap';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runIngest } from '../../src/cli/ingest-command.js';
import { INLINE_COLLECTION_MEMBERS } from '../../src/store/collection-work.js';
import { buildTestApp, tempDir } from '../helpers/sample-store.js';

const MEMBERS = 40_000;

t.test('large collections go to the worker and do not hold up other requests', async (t) => {
  t.ok(MEMBERS > INLINE_COLLECTION_MEMBERS * 4, 'well over the inline limit');
  const dir = tempDir(t);
  const store = join(dir, 'store');
  const lines: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < MEMBERS; i++) {
    names.push(`r${i}`);
    lines.push(
      `>r${i}\n${createHash('md5')
        .update(String(i))
        .digest('hex')
        .replace(/[^a-d]/g, '')
        .toUpperCase()}ACGT\n`,
    );
  }
  writeFileSync(join(dir, 'big.fa'), lines.join(''));
  const digest = (await runIngest([join(dir, 'big.fa')], { store, progress: false })).collections[0]!.digest;
  const app = await buildTestApp(t, store);

  const level2 = await app.inject({ url: `/collection/${digest}` });
  t.equal(level2.statusCode, 200);
  t.equal(level2.headers['transfer-encoding'], 'chunked', 'streamed, not one buffer');
  t.notOk('content-length' in level2.headers);
  const body = level2.json() as { names: string[]; sorted_sequences: string[] };
  t.strictSame(body.names, names, 'every name, in order');
  t.equal(body.sorted_sequences.length, MEMBERS);

  // Finished-first order: a metadata request sent after the comparison is answered before it.
  const order: string[] = [];
  const comparison = app.inject({ url: `/comparison/${digest}/${digest}` }).then((r) => {
    order.push('comparison');
    return r;
  });
  const health = app.inject({ url: '/healthz' }).then((r) => {
    order.push('healthz');
    return r;
  });
  const [c, h] = await Promise.all([comparison, health]);
  t.equal(h.statusCode, 200);
  t.equal(c.statusCode, 200);
  t.same(c.json().array_elements.a_and_b_same_order.names, true);
  t.strictSame(order, ['healthz', 'comparison'], 'the small request did not wait for the comparison');
});
