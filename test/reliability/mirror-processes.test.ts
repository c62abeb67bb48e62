// Real processes: an upstream `refget serve` over the bundled sample, a mirror `refget serve
// --upstream` (two workers: the primary runs the mirror) with an empty store in front of it, and
// samtools decoding a CRAM whose reference only the mirror can supply, before and after the
// upstream is stopped. Part of `npm run test:reliability` (real processes take seconds each).
import t from 'tap';
import { join } from 'node:path';
import { runVerify } from '../../src/cli/verify-command.js';
import { cramOnChrI, hasSamtools, samtoolsView } from '../helpers/cram.js';
import { EXPECTED } from '../helpers/refget-expected.js';
import { sampleStore, tempDir } from '../helpers/sample-store.js';
import { serve } from '../helpers/serve-process.js';

t.test(
  'samtools decodes a CRAM through the mirror, and again once the upstream is gone',
  { skip: hasSamtools ? false : 'samtools is not installed' },
  async (t) => {
    const dir = tempDir(t);
    const { cram, reads } = cramOnChrI(dir);
    const upstream = await serve(t, ['--store', await sampleStore(t), '--workers', '1']);
    const mirrorStore = join(dir, 'mirror-store');
    const mirror = await serve(t, ['--store', mirrorStore, '--workers', '2', '--upstream', upstream.url], 2);

    const first = await samtoolsView(cram, `${mirror.url}/sequence/%s`, join(dir, 'cache-1'));
    t.equal(first.code, 0, `samtools through the mirror (stderr: ${first.stderr})`);
    t.same(
      first.seqs,
      reads.map((r) => r.seq),
      'every read decoded',
    );
    t.match(mirror.stdout(), new RegExp(`"id":"${EXPECTED.I.md5}","bytes":${EXPECTED.I.length},"msg":"mirrored from upstream"`));

    upstream.child.kill('SIGTERM');
    await upstream.exited;
    const second = await samtoolsView(cram, `${mirror.url}/cram/md5/%s`, join(dir, 'cache-2'));
    t.equal(second.code, 0, `samtools with the upstream stopped (stderr: ${second.stderr})`);
    t.same(
      second.seqs,
      reads.map((r) => r.seq),
    );
    const unknown = await fetch(`${mirror.url}/sequence/${'a'.repeat(32)}`);
    t.equal(unknown.status, 502, 'a new miss with the upstream gone: 502');
    t.match(((await unknown.json()) as { message: string }).message, /ECONNREFUSED/);

    const metrics = await (await fetch(`${mirror.url}/metrics`)).text();
    t.match(metrics, /refget_mirror_requests_total\{result="stored",via="fetch"\} 1\b/, 'one fetch, counted across workers');
    t.match(metrics, /refget_mirror_requests_total\{result="failed",via="fetch"\} 1\b/);
    const info = (await (await fetch(`${mirror.url}/service-info`)).json()) as { mirror: { upstreams: string[] } };
    t.same(info.mirror.upstreams, [upstream.url]);

    mirror.child.kill('SIGTERM');
    await mirror.exited;
    const report = await runVerify(mirrorStore);
    t.same([report.sequences, report.bases, report.problems], [1, EXPECTED.I.length, []], 'refget verify of the mirror');
  },
);

t.test('serve --upstream refuses bad settings at start', async (t) => {
  const { spawnSync } = await import('node:child_process');
  const { CLI, ROOT, cleanEnv } = await import('../helpers/serve-process.js');
  for (const [args, message] of [
    [['--upstream', 'ftp://example.org/'], /upstream must be an http\(s\) URL/],
    [['--upstream', 'http://user:secret@example.org/'], /must not carry credentials/],
    [['--upstream', 'http://127.0.0.1:9/', '--upstream-timeout', '0'], /--upstream-timeout must be a positive integer/],
  ] as const) {
    const r = spawnSync(process.execPath, [...CLI, 'serve', '--store', join(tempDir(t), 's'), ...args], {
      cwd: ROOT,
      env: cleanEnv(),
      encoding: 'utf8',
      timeout: 60_000,
    });
    t.equal(r.status, 1, args.join(' '));
    t.match(r.stderr, message);
    t.notMatch(r.stderr, /secret/, 'a password is never echoed');
    t.notMatch(r.stderr, /\n\s+at /, 'no stack');
  }
});
