// Start-up time with a big index: a store of N (default 1,000,000) sequences, then the time from
// spawning `refget serve` to the first answered sequence request (and to the first metadata
// answer for a random id). Nothing may load the whole index at start. Needs `npm run build`.
// Usage: tsx bench/startup.ts [--sequences 1000000]
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { rng } from './generate.js';

const args = process.argv.slice(2);
const n = Number(args[args.indexOf('--sequences') + 1] || 1_000_000);
const dir = resolve('bench/out/startup');
const store = join(dir, `store-${n}`);
const ids: string[] = [];
const rand = rng(99);
const seqOf = (i: number): string => {
  let s = '';
  for (let k = 0; k < 40; k++) s += 'ACGT'[Math.floor(rand() * 4)];
  return `${s}${i.toString(4).replace(/[0-3]/g, (d) => 'ACGT'[Number(d)]!)}`; // unique per i
};

if (!existsSync(join(store, 'ready'))) {
  rmSync(store, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const fa = join(dir, 'many.fa');
  const w = createWriteStream(fa);
  for (let i = 0; i < n; i++) {
    const s = seqOf(i);
    if (i % 1000 === 0) ids.push(createHash('md5').update(s).digest('hex'));
    if (!w.write(`>s${i}\n${s}\n`)) await once(w, 'drain');
  }
  w.end();
  await once(w, 'finish');
  const t0 = Date.now();
  const r = spawnSync('node', ['dist/cli/main.js', 'ingest', '--no-progress', '--store', store, fa], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (r.status !== 0) throw new Error('ingest failed');
  process.stderr.write(`ingested ${n} sequences in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  rmSync(fa);
  writeFileSync(join(store, 'ready'), ids.join('\n'));
}
const sample = (await import('node:fs')).readFileSync(join(store, 'ready'), 'utf8').split('\n').filter(Boolean);
const port = 20000 + Math.floor(Math.random() * 20000);
const t0 = process.hrtime.bigint();
const server = spawn('node', ['dist/cli/main.js', 'serve', '--workers', '1', '--store', store, '--port', String(port)], {
  env: { ...process.env, LOG_LEVEL: 'warn' },
  stdio: 'ignore',
});
const id = sample[Math.floor(Math.random() * sample.length)]!;
let firstMs = 0;
for (let i = 0; i < 500; i++) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/sequence/${id}`);
    if (res.status === 200) {
      firstMs = Number(process.hrtime.bigint() - t0) / 1e6;
      break;
    }
  } catch {
    /* not listening yet */
  }
  await new Promise((r) => setTimeout(r, 5));
}
const t1 = process.hrtime.bigint();
const meta = await fetch(`http://127.0.0.1:${port}/sequence/${sample[0]}/metadata`);
const metaMs = Number(process.hrtime.bigint() - t1) / 1e6;
server.kill('SIGTERM');
await once(server, 'exit');
process.stdout.write(
  `${JSON.stringify({ sequences: n, startToFirstSequenceMs: Math.round(firstMs), nextMetadataMs: +metaMs.toFixed(1), metadataStatus: meta.status })}\n`,
);
