// `npm run bench:fast-path`: the fast path against Fastify's routes alone, in alternating rounds
// in the same minutes: one worker (`serve --workers 1`, with and without --no-fast-path),
// autocannon with 50 connections on random 100-base slices and on metadata of the bundled
// sample's sequences. Prints req/s per round. Needs `npm run build`.
// Usage: tsx bench/fast-path.ts [--rounds 4] [--seconds 6]
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { option, waitUntilServing } from './cli.js';

const require = createRequire(import.meta.url);
// autocannon ships no types; the field used here is typed at the call site.
const autocannon = require('autocannon') as (
  opts: Record<string, unknown>,
) => Promise<{ requests: { average: number }; non2xx: number; errors: number }>;
const rounds = Number(option('--rounds', '4'));
const seconds = Number(option('--seconds', '6'));
const store = resolve('bench/out/fast-path/store');
rmSync(store, { recursive: true, force: true });
const sample = resolve('data/sample');
const ingest = spawnSync(
  'node',
  [
    'dist/cli/main.js',
    'ingest',
    '--store',
    store,
    ...['I', 'VI', 'NC'].map((n) => join(sample, `${n}.faa`)),
    '--aliases',
    join(sample, 'refget-aliases.tsv'),
  ],
  { stdio: 'ignore' },
);
if (ingest.status !== 0) throw new Error('ingest failed');
// md5s of the sample's I and VI (data/sample/refget-aliases.tsv names them too)
const ids = ['6681ac2f62509cfc220d78751b8dc524', 'b7ebc601f9a7df2e1ec5863deeae88a3'];

async function serve(fast: boolean, port: number) {
  const args = ['dist/cli/main.js', 'serve', '--store', store, '--port', String(port), '--workers', '1', '--log-level', 'warn'];
  const p = spawn('node', fast ? args : [...args, '--no-fast-path'], { stdio: 'ignore' });
  await waitUntilServing(port);
  return p;
}

function requestList(kind: 'slice' | 'metadata') {
  let s = 1; // a fixed LCG: the same requests in every round
  return Array.from({ length: 500 }, (_, i) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    const id = ids[i % 2]!;
    const start = s % 200_000;
    return {
      method: 'GET',
      path: kind === 'slice' ? `/sequence/${id}?start=${start}&end=${start + 100}` : `/sequence/${id}/metadata`,
    };
  });
}

const results: Record<string, number[]> = {};
for (let r = 0; r < rounds; r++) {
  for (const fast of r % 2 === 0 ? [true, false] : [false, true]) {
    const port = 18000 + r * 2 + (fast ? 1 : 0);
    const server = await serve(fast, port);
    for (const kind of ['slice', 'metadata'] as const) {
      await autocannon({ url: `http://127.0.0.1:${port}`, connections: 50, duration: 1, requests: requestList(kind) }); // warm-up
      const a = await autocannon({
        url: `http://127.0.0.1:${port}`,
        connections: 50,
        duration: seconds,
        requests: requestList(kind),
      });
      if (a.non2xx !== 0 || a.errors !== 0) throw new Error(`${kind}: ${a.non2xx} non-2xx, ${a.errors} errors`);
      (results[`${kind} ${fast ? 'fast path' : 'Fastify only'}`] ??= []).push(Math.round(a.requests.average));
    }
    server.kill();
    await once(server, 'exit');
  }
}
console.log(JSON.stringify({ rounds, seconds, reqPerSec: results }, null, 1));
