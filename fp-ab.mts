import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { once } from 'node:events';
const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const store = '/tmp/fpab-store';
const ids = ['6681ac2f62509cfc220d78751b8dc524', 'b7ebc601f9a7df2e1ec5863deeae88a3', '3332ed720ac7eaa9b3655c06f6b9e196'];
async function serve(fast: boolean, port: number) {
  const p = spawn('node', ['dist/cli/main.js', 'serve', '--store', store, '--port', String(port), '--workers', '1', '--log-level', 'warn', ...(fast ? [] : ['--no-fast-path'])], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 200; i++) { try { const r = await fetch(`http://127.0.0.1:${port}/healthz`); if (r.ok) break; } catch {} await new Promise((r) => setTimeout(r, 50)); }
  return p;
}
function reqs(kind: string) {
  const out = [];
  let s = 1;
  for (let i = 0; i < 500; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const id = ids[i % 2]!;
    const start = s % 200000;
    out.push({ method: 'GET', path: kind === 'slice' ? `/sequence/${id}?start=${start}&end=${start + 100}` : `/sequence/${id}/metadata` });
  }
  return out;
}
const rounds = Number(process.argv[2] ?? 4);
const res: Record<string, number[]> = {};
for (let r = 0; r < rounds; r++) {
  for (const fast of r % 2 === 0 ? [true, false] : [false, true]) {
    const port = 18000 + r * 2 + (fast ? 1 : 0);
    const p = await serve(fast, port);
    for (const kind of ['slice', 'metadata']) {
      await autocannon({ url: `http://127.0.0.1:${port}`, connections: 50, duration: 1, requests: reqs(kind) });
      const a = await autocannon({ url: `http://127.0.0.1:${port}`, connections: 50, duration: 6, requests: reqs(kind) });
      const key = `${kind} ${fast ? 'fast' : 'fastify'}`;
      (res[key] ??= []).push(Math.round(a.requests.average));
      if (a.non2xx || a.errors) console.log('errors', key, a.non2xx, a.errors);
    }
    p.kill(); await once(p, 'exit');
  }
}
for (const [k, v] of Object.entries(res)) console.log(k.padEnd(20), v.join(' '), 'median', [...v].sort((a, b) => a - b)[v.length >> 1]);
