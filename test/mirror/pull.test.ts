// `refget pull`: whole collections copied from a seqcol server (this project's, over the bundled
// sample, listening on 127.0.0.1), every sequence verified; resumable; a lying server stores
// nothing of its lie. Expected digests and level-2 arrays come from the seqcol test fixtures.
import t from 'tap';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../src/errors.js';
import { pullCollections, type PullOptions } from '../../src/mirror/pull.js';
import { computeSeqcol } from '../../src/seqcol/collection.js';
import { runVerify } from '../../src/cli/verify-command.js';
import { endlessBody, fakeUpstream, realUpstream, storeState } from '../helpers/mirror.js';
import { buildTestApp, FIXTURES, tempDir } from '../helpers/sample-store.js';
import { CLI, cleanEnv, ROOT } from '../helpers/serve-process.js';

interface Vector {
  top_level_digest: string;
  level2: { names: string[]; lengths: number[]; sequences: string[] };
}
const VECTORS = JSON.parse(readFileSync(join(FIXTURES, 'seqcol', 'test_fasta', 'test_fasta_digests.json'), 'utf8')) as Record<
  string,
  Vector
>;
const BASE = VECTORS['base.fa']!;
const NAMES = VECTORS['different_names.fa']!;

const options = (from: string, storeDir: string, extra: Partial<PullOptions> = {}): PullOptions => ({
  from,
  storeDir,
  headersTimeoutMs: 2_000,
  idleTimeoutMs: 2_000,
  maxBases: 0xffffffff,
  maxLevel2Bytes: 1 << 20,
  ...extra,
});

t.test('pull copies collections with their names, order and digest; a rerun fetches nothing', async (t) => {
  const upstream = await realUpstream(t);
  const dir = join(tempDir(t), 'store');
  const lines: string[] = [];
  const summary = await pullCollections([BASE.top_level_digest, NAMES.top_level_digest], {
    ...options(upstream.url, dir),
    onProgress: (line) => lines.push(line),
  });
  t.same(
    summary.collections.map((c) => [c.digest, c.sequences, c.fetched, c.present, c.added]),
    [
      [BASE.top_level_digest, 3, 3, 0, true],
      [NAMES.top_level_digest, 3, 0, 3, true],
    ],
    'the second collection has the same sequences under other names',
  );
  t.match(lines.join('\n'), /\[1\/3\] chrX: fetched 8 bases/);

  const app = await buildTestApp(t, dir);
  for (const vector of [BASE, NAMES]) {
    const res = await app.inject(`/collection/${vector.top_level_digest}?level=2`);
    t.equal(res.statusCode, 200);
    const level2 = res.json() as Vector['level2'];
    t.same(
      { names: level2.names, lengths: level2.lengths, sequences: level2.sequences },
      { names: vector.level2.names, lengths: vector.level2.lengths, sequences: vector.level2.sequences },
      'level 2 as the fixtures give it',
    );
  }
  const again = await pullCollections([BASE.top_level_digest], options(upstream.url, dir));
  t.same(
    again.collections.map((c) => [c.fetched, c.present, c.added]),
    [[0, 3, false]],
  );
  const report = await runVerify(dir);
  t.same([report.sequences, report.problems, report.indexProblems], [3, [], []]);
});

t.test('interrupted by a failing server, it keeps what it verified; a rerun fetches the rest', async (t) => {
  const upstream = await realUpstream(t);
  // A proxy to the real upstream that fails the second sequence of base.fa.
  const failing = BASE.level2.sequences[1]!;
  let fail = true;
  const proxy = await fakeUpstream(t, (req, res) => {
    if (fail && req.url?.includes(failing)) return void res.writeHead(500).end();
    void fetch(`${upstream.url}${req.url}`, { headers: { accept: req.headers.accept ?? '*/*' } }).then(async (r) => {
      res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'text/plain' });
      res.end(Buffer.from(await r.arrayBuffer()));
    });
  });
  const dir = join(tempDir(t), 'store');
  await t.rejects(pullCollections([BASE.top_level_digest], options(proxy.url, dir)), {
    code: 'UPSTREAM_FAILED',
    message: new RegExp(`\\[2/3\\] chr1: ${failing.replace('.', '\\.')}: .*HTTP 500`),
  });
  t.same(storeState(dir).sequences, 2, 'the other two, fetched beside it and verified, were kept');
  const app = await buildTestApp(t, dir);
  t.equal((await app.inject(`/collection/${BASE.top_level_digest}`)).statusCode, 404, 'no collection yet');
  fail = false;
  const rerun = await pullCollections([BASE.top_level_digest], options(proxy.url, dir));
  t.same(
    rerun.collections.map((c) => [c.fetched, c.present, c.added]),
    [[1, 2, true]],
    'only the missing one was fetched',
  );
  t.equal((await app.inject(`/collection/${BASE.top_level_digest}?level=2`)).statusCode, 200);
});

t.test('a lying server: nothing of the lie is stored', async (t) => {
  const upstream = await realUpstream(t);
  const otherLevel2 = await (await fetch(`${upstream.url}/collection/${NAMES.top_level_digest}?level=2`)).text();
  const cases: { name: string; handler: Parameters<typeof fakeUpstream>[1]; message: RegExp; code?: string }[] = [
    {
      name: 'another collection’s level 2',
      handler: (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(otherLevel2),
      message: /has digest .* not XZlrcEGi6mlopZ2uD8ObHkQB1d0oDwKk; nothing was fetched/,
    },
    {
      name: 'not JSON',
      handler: (_req, res) => res.writeHead(200).end('<html>'),
      message: /not JSON/,
    },
    {
      name: 'a level 2 without sequences',
      handler: (_req, res) => res.writeHead(200).end('{"names":["a"],"lengths":[1]}'),
      message: /lacks names, lengths or sequences/,
    },
    {
      name: 'an endless level 2',
      handler: endlessBody(' '),
      message: /larger than 1048576 bytes/,
    },
    {
      name: 'wrong bytes for a sequence',
      handler: (req, res) => {
        if (req.url?.startsWith('/collection/'))
          return void fetch(`${upstream.url}${req.url}`).then(async (r) => res.writeHead(200).end(await r.text()));
        res.writeHead(200).end('ACGTACGT');
      },
      message: /sent 8 bases with digest SQ\.\S+ for SQ\.\S+ \(8 bases\); nothing of it was kept/,
    },
    {
      name: 'no such collection',
      handler: (_req, res) => res.writeHead(404).end(),
      message: /the server has no collection/,
      code: 'COLLECTION_NOT_FOUND',
    },
  ];
  for (const c of cases) {
    const liar = await fakeUpstream(t, c.handler);
    const dir = join(tempDir(t), 'store');
    const err = (await pullCollections([BASE.top_level_digest], options(liar.url, dir)).catch((e: unknown) => e)) as AppError;
    t.ok(err instanceof AppError, c.name);
    t.equal(err.code, c.code ?? 'UPSTREAM_FAILED', c.name);
    t.match(err.message, c.message, c.name);
    t.same(storeState(dir), { sequences: 0, packBytes: 0, tempFiles: [] }, `${c.name}: nothing stored`);
    if (c.name !== 'wrong bytes for a sequence')
      t.notOk(
        liar.requests.some((r) => r.url.startsWith('/sequence/')),
        `${c.name}: no sequence asked for`,
      );
  }
  await t.rejects(pullCollections(['not-a-digest'], options(upstream.url, join(tempDir(t), 's'))), {
    code: 'INPUT_ERROR',
  });
});

t.test('refget pull (the command): progress on stderr, JSON on stdout, exit 1 naming the cause', async (t) => {
  const upstream = await realUpstream(t);
  const dir = join(tempDir(t), 'store');
  const run = async (args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> => {
    const child = spawn(process.execPath, [...CLI, 'pull', '--store', dir, ...args], { cwd: ROOT, env: cleanEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { code, stdout, stderr };
  };
  const ok = await run(['--from', upstream.url, '--name', 'base', BASE.top_level_digest]);
  t.equal(ok.code, 0, ok.stderr);
  const summary = JSON.parse(ok.stdout) as { collections: { digest: string; fetched: number }[] };
  t.same(
    summary.collections.map((c) => [c.digest, c.fetched]),
    [[BASE.top_level_digest, 3]],
  );
  t.match(ok.stderr, /XZlrcEGi6mlopZ2uD8ObHkQB1d0oDwKk: stored \(3 fetched, 0 present\)/);
  const app = await buildTestApp(t, dir);
  const found = (await app.inject('/search?q=base')).json() as { collections: { digest: string; names: string[] }[] };
  t.same(found.collections, [{ digest: BASE.top_level_digest, names: ['base'] }], 'named as asked');

  const missing = await run(['--from', upstream.url, 'A'.repeat(32)]);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /refget: .*the server has no collection AAAA/);
  t.notMatch(missing.stderr, /\n\s+at /, 'no stack');
  const badFrom = await run(['--from', 'ftp://x', BASE.top_level_digest]);
  t.equal(badFrom.code, 1);
  t.match(badFrom.stderr, /invalid --from/);
});

t.test('a collection with a name used twice: its sequences are kept, the collection refused', async (t) => {
  const upstream = await realUpstream(t);
  const level2 = { ...BASE.level2, names: ['chrX', 'chrX', 'chr2'] };
  const digest = computeSeqcol(level2).digest;
  const server = await fakeUpstream(t, (req, res) => {
    if (req.url === `/collection/${digest}?level=2`) return void res.writeHead(200).end(JSON.stringify(level2));
    void fetch(`${upstream.url}${req.url}`).then(async (r) => res.writeHead(r.status).end(await r.text()));
  });
  const dir = join(tempDir(t), 'store');
  await t.rejects(pullCollections([digest], options(server.url, dir)), {
    code: 'INPUT_ERROR',
    message: /the name 'chrX' is used twice/,
  });
  t.equal(storeState(dir).sequences, 3, 'the verified sequences stay');
  const app = await buildTestApp(t, dir);
  t.equal((await app.inject(`/collection/${digest}`)).statusCode, 404, 'no collection');
});
