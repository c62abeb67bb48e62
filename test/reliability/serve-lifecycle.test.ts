// `refget serve` as a real child process on 127.0.0.1, port 0: SIGTERM during a large download
// lets the download finish intact and then exits 0 (single process and --workers 2); /metrics
// under --workers sums all workers; bad settings exit 1 with a message naming the setting and no
// stack; `serve --help` lists every setting with its environment variable.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { request, type IncomingMessage } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { runIngest } from '../../src/cli/ingest-command.js';
import { SAMPLE, tempDir } from '../helpers/sample-store.js';
import type { Test } from '../helpers/refget-expected.js';
import { CLI, cleanEnv, ROOT, serve } from '../helpers/serve-process.js';

function get(url: string, headers: Record<string, string> = {}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    request(url, { headers, agent: false }, resolve).on('error', reject).end();
  });
}

async function text(res: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of res) body += (chunk as Buffer).toString();
  return body;
}

/** A store with one `length`-base sequence (60-base lines, some N runs); returns its md5. */
async function bigStore(t: Test, length: number): Promise<{ store: string; md5: string }> {
  const dir = tempDir(t);
  const fasta = join(dir, 'big.fa');
  const expected = createHash('md5');
  const out = createWriteStream(fasta);
  out.write('>big\n');
  const line = Buffer.alloc(61);
  let x = 3;
  for (let written = 0; written < length; written += 60) {
    for (let i = 0; i < 60; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      line[i] = 'ACGT'.charCodeAt(x >>> 30); // top bits: the low bits repeat every 2^18
    }
    if (written % 3_000_000 === 0) line.fill('N', 0, 60);
    line[60] = 0x0a;
    expected.update(line.subarray(0, 60));
    if (!out.write(Buffer.from(line))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const store = join(dir, 'store');
  await runIngest([fasta], { store });
  return { store, md5: expected.digest('hex') };
}

const LENGTH = 60 * 500_000; // 30 Mbp: far more than the socket buffers hold while the client pauses
const big = await bigStore(t, LENGTH);

for (const workers of [1, 2]) {
  t.test(`SIGTERM during a large download (--workers ${workers}): the download completes, then exit 0`, async (t) => {
    const server = await serve(t, ['--store', big.store, '--workers', String(workers)], workers);
    const res = await get(`${server.url}/sequence/${big.md5}`, { accept: '*/*' });
    t.equal(res.statusCode, 200);
    t.equal(res.headers['content-length'], String(LENGTH));
    const hash = createHash('md5');
    let bytes = 0;
    let exitedAt = 0;
    void server.exited.then(() => {
      exitedAt = Date.now();
    });
    const first = (await once(res, 'data'))[0] as Buffer;
    res.pause();
    hash.update(first);
    bytes += first.length;

    server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 800));
    t.equal(server.child.exitCode, null, 'still running 0.8 s after SIGTERM: a download is in flight');
    if (workers === 1) {
      const refused = await get(`${server.url}/healthz`).then(
        (r) => r.statusCode,
        (err: NodeJS.ErrnoException) => err.code,
      );
      t.ok(refused === 'ECONNREFUSED' || refused === 503, `a new request is turned away (${refused})`);
    }

    res.resume();
    for await (const chunk of res) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
    const doneAt = Date.now();
    t.equal(bytes, LENGTH, 'every byte arrived');
    t.equal(hash.digest('hex'), big.md5, 'body md5 = md5 of the normalised FASTA');

    const [code, signal] = await server.exited;
    t.equal(code, 0, 'exit code 0');
    t.equal(signal, null, 'not killed by the signal');
    t.ok(exitedAt >= doneAt - 50, 'exited after the download completed');
    t.match(server.stdout(), /"signal":"SIGTERM","msg":"shutting down"/, 'logged the shutdown');
  });
}

t.test('--workers 2: /metrics on any worker reports the sum over all workers', async (t) => {
  const server = await serve(t, ['--store', big.store, '--workers', '2'], 2);
  const count = async (): Promise<number> => {
    const body = await text(await get(`${server.url}/metrics`));
    const m = /^refget_http_requests_total\{method="GET",route="\/service-info",status="200"\} (\d+)$/m.exec(body);
    return m === null ? 0 : Number(m[1]);
  };
  await text(await get(`${server.url}/readyz`));
  let n = 0;
  for (let i = 0; i < 24; i++) {
    const res = await get(`${server.url}/service-info`);
    await text(res);
    if (res.statusCode === 200) n++; // a 503 from the overload guard is counted under its own status
  }
  t.ok(n > 0, `${n} of 24 requests answered 200`);
  // New connection each time: the kernel spreads them over both workers, yet every scrape agrees.
  t.equal(await count(), n, 'first scrape: all requests');
  t.equal(await count(), n, 'second scrape (maybe the other worker): the same');
  const pids = new Set([...server.stdout().matchAll(/"pid":(\d+)[^\n]*"url":"\/service-info"/g)].map((m) => m[1]));
  t.comment(`the requests were served by ${pids.size} worker(s)`);
  // Workers run with a 4 MiB young generation (src/cli/cluster.ts): their command lines say so.
  const workerPids = new Set([...server.stdout().matchAll(/"pid":(\d+)/g)].map((m) => Number(m[1])));
  workerPids.delete(server.child.pid!);
  t.equal(workerPids.size, 2, 'two workers logged');
  if (existsSync('/proc/self/cmdline')) {
    for (const pid of workerPids)
      t.match(readFileSync(`/proc/${pid}/cmdline`, 'latin1'), /--max-semi-space-size=4\0/, `worker ${pid} has the flag`);
  }
  server.child.kill('SIGTERM');
  t.equal((await server.exited)[0], 0, 'exit 0');
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}
function run(args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [...CLI, ...args], { cwd: ROOT, env: cleanEnv(env), encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertConfigError(t: Test, r: Run, message: RegExp, msg: string): void {
  t.equal(r.status, 1, `${msg}: exit 1`);
  t.match(r.stderr, message, `${msg}: message`);
  t.notMatch(r.stderr, /\n\s+at /, `${msg}: no stack trace`);
  t.notMatch(r.stdout, /Server listening/, `${msg}: never listened`);
}

t.test('bad settings stop the server at start with exit 1 and a message', async (t) => {
  const store = join(tempDir(t), 'store');
  await runIngest([join(SAMPLE, 'I.faa')], { store });
  const serveArgs = ['serve', '--store', store, '--host', '127.0.0.1'];
  // Each variable with a bad value (and PORT=0 unless PORT is the one under test).
  const badValues: [name: string, value: string, message: RegExp][] = [
    ['PORT', 'abc', /invalid PORT="abc": port must be an integer from 0 to 65535/],
    ['PORT', '65536', /invalid PORT="65536"/],
    ['LOG_LEVEL', 'loud', /invalid LOG_LEVEL="loud": log level must be one of/],
    ['SUBSEQUENCE_LIMIT', '-1', /invalid SUBSEQUENCE_LIMIT="-1"/],
    ['CIRCULAR_SUPPORTED', 'maybe', /invalid CIRCULAR_SUPPORTED="maybe"/],
    ['REFGET_WORKERS', 'many', /invalid REFGET_WORKERS="many"/],
    ['REFGET_MAX_LIST_LIMIT', '0', /invalid REFGET_MAX_LIST_LIMIT="0"/],
  ];
  for (const [name, value, message] of badValues) {
    assertConfigError(t, run(serveArgs, { PORT: '0', [name]: value }), message, `${name}=${value}`);
  }
  const tokens = join(tempDir(t), 'tokens.tsv');
  writeFileSync(tokens, 'tok\tnope\n', { mode: 0o600 });
  assertConfigError(
    t,
    run([...serveArgs, '--port', '0', '--workers', '2', '--tokens-file', tokens]),
    /tokens\.tsv: no stored collection with digest or name 'nope'/,
    '--tokens-file, unknown collection',
  );
  writeFileSync(tokens, '# tokens\nno tab\n');
  assertConfigError(
    t,
    run(serveArgs, { PORT: '0', REFGET_TOKENS_FILE: tokens }),
    /tokens\.tsv:2: expected token<TAB>/,
    'REFGET_TOKENS_FILE, malformed line',
  );
  assertConfigError(
    t,
    run([...serveArgs, '--port', 'abc']),
    /option '-p, --port <port>' argument 'abc' is invalid/,
    '--port abc',
  );
  assertConfigError(
    t,
    run([...serveArgs, '--log-level', 'loud']),
    /--log-level <level>' argument 'loud' is invalid/,
    '--log-level loud',
  );
  assertConfigError(
    t,
    run(['serve', '--store', join(tempDir(t), 'none'), '--port', '0', '--workers', '1']),
    /cannot open store index/,
    'missing store',
  );
  assertConfigError(
    t,
    run(['serve', '--store', join(tempDir(t), 'none'), '--port', '0', '--workers', '2']),
    /cannot open store index/,
    'missing store, 2 workers: checked before any worker starts',
  );

  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  t.teardown(() => taken.close());
  const port = String((taken.address() as { port: number }).port);
  assertConfigError(
    t,
    run([...serveArgs, '--port', port, '--workers', '1']),
    new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`),
    'port in use',
  );
  const clustered = run([...serveArgs, '--port', port, '--workers', '2']);
  assertConfigError(t, clustered, /EADDRINUSE[\s\S]*a worker could not start/, 'port in use, 2 workers: stopped, not restarted');
  t.notMatch(clustered.stderr, /starting a replacement/, 'no worker was replaced');
});

t.test('serve --help lists every setting with its environment variable', async (t) => {
  const r = run(['serve', '--help']);
  t.equal(r.status, 0);
  // One entry per option: its line plus the wrapped continuation lines, whitespace collapsed.
  const entries = r.stdout.split(/\n(?=\s*-)/).map((e) => e.replace(/\s+/g, ' ').trim());
  for (const [flag, env] of [
    ['--port', 'PORT'],
    ['--host', 'HOST'],
    ['--store', 'REFGET_STORE'],
    ['--circular-supported', 'CIRCULAR_SUPPORTED'],
    ['--subsequence-limit', 'SUBSEQUENCE_LIMIT'],
    ['--max-list-limit', 'REFGET_MAX_LIST_LIMIT'],
    ['--max-batch-ids', 'REFGET_MAX_BATCH_IDS'],
    ['--stream-budget-mb', 'REFGET_STREAM_BUDGET_MB'],
    ['--log-level', 'LOG_LEVEL'],
    ['--pretty-logs', 'LOG_PRETTY'],
    ['--sample', 'REFGET_SAMPLE'],
    ['--workers', 'REFGET_WORKERS'],
    ['--tokens-file', 'REFGET_TOKENS_FILE'],
  ] as const) {
    const entry = entries.find((e) => new RegExp(`(^|[ ,])${flag}( |,|$)`).test(e));
    t.match(entry, new RegExp(`env ${env}\\b`), `${flag} names env ${env}`);
  }
});

t.test('damage found by one worker fails /readyz on every worker', async (t) => {
  const store = join(tempDir(t), 'store');
  const fasta = join(tempDir(t), 'g.fa');
  writeFileSync(fasta, `>a\n${'ACGT'.repeat(5000)}\n>b\n${'GGCA'.repeat(5000)}\n`);
  await runIngest([fasta], { store });
  const pack = join(store, 'packs', '000001.pack');
  const bytes = readFileSync(pack);
  bytes[5010] = bytes[5010]! ^ 0x40; // inside 'b' ('a' packs into bytes 0-4999; the probe reads 'a')
  writeFileSync(pack, bytes);
  const s = await serve(t, ['--store', store, '--workers', '2'], 2);
  const ready = async (): Promise<number[]> => {
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await get(`${s.url}/readyz`);
      res.resume();
      codes.push(res.statusCode!);
    }
    return codes;
  };
  t.same([...new Set(await ready())], [200], 'ready before any damaged read');
  const damaged = await get(`${s.url}/sequence/${createHash('md5').update('GGCA'.repeat(5000)).digest('hex')}?start=0&end=8`);
  damaged.resume();
  t.equal(damaged.statusCode, 500, 'the damaged read is a 500');
  const intact = await get(`${s.url}/sequence/${createHash('md5').update('ACGT'.repeat(5000)).digest('hex')}?start=0&end=8`);
  t.equal(intact.statusCode, 200, 'the intact sequence is still served');
  intact.resume();
  // The other worker hears of it through the primary; new connections go to both in turn.
  let codes: number[] = [];
  for (let i = 0; i < 50 && !(codes.length > 0 && codes.every((c) => c === 503)); i++) {
    codes = await ready();
    if (!codes.every((c) => c === 503)) await new Promise((r) => setImmediate(r));
  }
  t.same([...new Set(codes)], [503], 'every worker now answers 503');
});
