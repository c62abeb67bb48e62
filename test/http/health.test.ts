// GET /healthz and /readyz through app.inject: liveness always 200; readiness 200 over a good
// store and 503 over an empty store, a closed store, a truncated pack and a missing pack,
// without store paths in the body. Both are in the OpenAPI document under 'operations'.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { stallAndSample } from '../helpers/overload.js';
import { buildApp } from '../../src/app.js';
import { SequenceStore } from '../../src/store/sequence-store.js';
import { runIngest } from '../../src/cli/ingest-command.js';
import { SAMPLE, buildTestApp, sampleStore, tempDir, testConfig } from '../helpers/sample-store.js';
import { openIndexDb } from '../../src/store/index/database.js';
import { indexPath, packsDir } from '../../src/store/layout.js';
import type { Test } from '../helpers/refget-expected.js';

const storeDir = await sampleStore(t);

/** A copy of the sample store that a test may damage. */
function storeCopy(t: Test): string {
  const dir = join(tempDir(t), 'store');
  cpSync(storeDir, dir, { recursive: true });
  return dir;
}

function packFiles(dir: string): string[] {
  return readdirSync(packsDir(dir))
    .filter((f) => f.endsWith('.pack'))
    .map((f) => join(packsDir(dir), f));
}

function assertStatus(t: Test, res: LightMyRequestResponse, status: number, body: Record<string, unknown>, msg: string): void {
  t.equal(res.statusCode, status, `${msg}: status ${status}`);
  t.match(res.headers['content-type'], /^application\/json/, `${msg}: JSON`);
  t.equal(res.headers['cache-control'], 'no-store', `${msg}: not cached`);
  t.match(res.json(), body, `${msg}: body`);
}

function assertNotReady(t: Test, res: LightMyRequestResponse, message: RegExp, msg: string): void {
  assertStatus(t, res, 503, { status: 'unavailable' }, msg);
  t.match((res.json() as { message?: string }).message, message, `${msg}: says why`);
  t.notMatch(res.body, /\/tmp\/|\.pack|index\.sqlite3/, `${msg}: no store paths`);
}

t.test('/healthz: 200 {"status":"ok"} while the process runs, whatever the store', async (t) => {
  const app = await buildTestApp(t, storeDir);
  const res = await app.inject({ url: '/healthz' });
  assertStatus(t, res, 200, { status: 'ok' }, 'healthy store');
  t.equal(res.body, '{"status":"ok"}');
  t.equal((await app.inject({ method: 'HEAD', url: '/healthz' })).statusCode, 200, 'HEAD');

  const broken = await buildTestApp(t, storeDir);
  broken.store.close();
  assertStatus(t, await broken.inject({ url: '/healthz' }), 200, { status: 'ok' }, 'closed store: still alive');
});

t.test('/readyz: 200 when a stored sequence reads back', async (t) => {
  const app = await buildTestApp(t, storeDir);
  assertStatus(t, await app.inject({ url: '/readyz' }), 200, { status: 'ok' }, 'sample store');
  assertStatus(t, await app.inject({ url: '/readyz' }), 200, { status: 'ok' }, 'again (cached file handles)');
});

t.test('/readyz: 503 for an empty store', async (t) => {
  const dir = join(tempDir(t), 'store');
  mkdirSync(dir);
  openIndexDb(indexPath(dir), { readonly: false }).close(); // a valid index with no sequence
  const app = await buildTestApp(t, dir);
  assertNotReady(t, await app.inject({ url: '/readyz' }), /no sequence/, 'empty store');
  assertStatus(t, await app.inject({ url: '/healthz' }), 200, { status: 'ok' }, 'but alive');
});

t.test('/readyz: 503 once the store is closed', async (t) => {
  const app = await buildTestApp(t, storeDir);
  app.store.close();
  assertNotReady(t, await app.inject({ url: '/readyz' }), /cannot be read/, 'closed store');
});

t.test('/readyz: 503 for a truncated pack, before or after the first probe', async (t) => {
  for (const when of ['before', 'after'] as const) {
    const dir = storeCopy(t);
    const app = await buildTestApp(t, dir);
    if (when === 'after') assertStatus(t, await app.inject({ url: '/readyz' }), 200, { status: 'ok' }, 'intact');
    for (const pack of packFiles(dir)) truncateSync(pack, 10);
    assertNotReady(t, await app.inject({ url: '/readyz' }), /cannot be read/, `truncated ${when} the first probe`);
  }
});

t.test('/readyz: 503 for a missing pack', async (t) => {
  const dir = storeCopy(t);
  for (const pack of packFiles(dir)) rmSync(pack);
  const app = await buildTestApp(t, dir);
  assertNotReady(t, await app.inject({ url: '/readyz' }), /cannot be read/, 'missing pack');
});

const canMount = process.getuid?.() === 0 && spawnSync('mount', ['--version']).status === 0;
t.test(
  '/readyz: 200 for a store on a read-only mount (a container serving -v data:/data:ro)',
  { skip: canMount ? false : 'bind mounts need root' },
  async (t) => {
    const dir = tempDir(t);
    const store = join(dir, 'store');
    await runIngest([join(SAMPLE, 'I.faa')], { store });
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    const mount = spawnSync('mount', ['--bind', store, ro], { encoding: 'utf8' });
    t.equal(mount.status, 0, `bind mount ${mount.stderr.trim()}`);
    try {
      const remount = spawnSync('mount', ['-o', 'remount,bind,ro', ro], { encoding: 'utf8' });
      t.equal(remount.status, 0, 'remounted read-only');
      const app = await buildApp({
        store: SequenceStore.open(ro),
        config: testConfig(ro),
        logger: false,
        closeStore: true,
        overload: false,
      });
      try {
        assertStatus(t, await app.inject({ url: '/readyz' }), 200, { status: 'ok' }, 'read-only store');
        const res = await app.inject({ url: '/sequence/6681ac2f62509cfc220d78751b8dc524?start=0&end=10' });
        t.equal(res.statusCode, 200, 'and serves sequences');
      } finally {
        await app.close();
      }
    } finally {
      spawnSync('umount', [ro]);
    }
  },
);

t.test('under overload: /readyz says 503, /healthz and /metrics still answer 200', async (t) => {
  const app = await buildApp({
    store: SequenceStore.open(storeDir),
    config: testConfig(storeDir),
    logger: false,
    closeStore: true,
    // minBusy 0: lag alone counts as overload here (test/http/overload.test.ts covers the rule).
    overload: { maxEventLoopDelayMs: 50, sampleIntervalMs: 500, minBusy: 0 },
  });
  t.teardown(() => app.close());
  t.equal((await app.inject({ url: '/readyz' })).statusCode, 200, 'ready first');
  await stallAndSample(app, 650);
  const ready = await app.inject({ url: '/readyz' });
  t.equal(ready.statusCode, 503, '/readyz: 503 (take this instance out of rotation)');
  t.equal(ready.json().error, 'OVERLOADED');
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200, '/healthz: 200 (busy is not dead)');
  t.equal((await app.inject({ url: '/metrics' })).statusCode, 200, '/metrics: 200 (needed most now)');
});

t.test('OpenAPI: /healthz, /readyz and /metrics are documented under the operations tag', async (t) => {
  const app = await buildTestApp(t, storeDir);
  const doc = (await app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, { get?: { tags?: string[] } }> };
  for (const path of ['/healthz', '/readyz', '/metrics']) {
    t.same(doc.paths[path]?.get?.tags, ['operations'], `${path} tagged operations`);
  }
  const tagged = Object.entries(doc.paths)
    .filter(([, p]) => p.get?.tags?.includes('operations'))
    .map(([path]) => path);
  t.same(tagged.sort(), ['/healthz', '/metrics', '/readyz'], 'no other path is tagged operations');
});
