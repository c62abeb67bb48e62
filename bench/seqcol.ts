// Sequence collections at assembly scale: two generated 10,000-sequence collections (the second
// renamed and reordered in part), ingested, then GET /collection, GET /comparison and POST
// /comparison timed in-process (app.inject). Prints JSON figures.
// Usage: tsx bench/seqcol.ts [--sequences N]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { runIngest } from '../src/cli/ingest-command.js';
import { buildApp } from '../src/app.js';
import { SequenceStore } from '../src/store/sequence-store.js';
import { loadConfig } from '../src/config.js';
import { rng } from './generate.js';

const args = process.argv.slice(2);
const n = Number(args[args.indexOf('--sequences') + 1] || 10_000);
const dir = mkdtempSync(join(tmpdir(), 'refget-seqcol-bench-'));
try {
  const rand = rng(7);
  const seqs = Array.from({ length: n }, () =>
    Array.from({ length: 200 + Math.floor(rand() * 800) }, () => 'ACGT'[Math.floor(rand() * 4)]).join(''),
  );
  writeFileSync(join(dir, 'a.fa'), seqs.map((s, i) => `>chr${i}\n${s}\n`).join(''));
  // b: the same sequences, every tenth renamed, the last hundred moved to the front
  const order = [...seqs.keys()];
  const b = [...order.slice(-100), ...order.slice(0, -100)];
  writeFileSync(join(dir, 'b.fa'), b.map((i) => `>${i % 10 === 0 ? 'alt' : 'chr'}${i}\n${seqs[i]}\n`).join(''));
  const store = join(dir, 'store');
  const ia = await runIngest([join(dir, 'a.fa')], { store });
  const ib = await runIngest([join(dir, 'b.fa')], { store });
  const app = await buildApp({
    store: SequenceStore.open(store),
    config: loadConfig({ store }),
    logger: false,
    closeStore: true,
  });
  const [da, db] = [ia.collections[0]!.digest, ib.collections[0]!.digest];
  const time = async (label: string, fn: () => Promise<{ statusCode: number }>): Promise<[string, number]> => {
    await fn();
    const reps = 10;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) {
      const r = await fn();
      if (r.statusCode !== 200) throw new Error(`${label}: ${r.statusCode}`);
    }
    return [label, +(Number(process.hrtime.bigint() - t0) / 1e6 / reps).toFixed(1)];
  };
  const level2 = (await app.inject({ url: `/collection/${db}` })).body;
  const ms = Object.fromEntries([
    await time('GET /collection level 2', () => app.inject({ url: `/collection/${da}` })),
    await time('GET /collection level 1', () => app.inject({ url: `/collection/${da}?level=1` })),
    await time('GET /comparison', () => app.inject({ url: `/comparison/${da}/${db}` })),
    await time('POST /comparison', () =>
      app.inject({ method: 'POST', url: `/comparison/${da}`, payload: level2, headers: { 'content-type': 'application/json' } }),
    ),
  ]);
  await app.close();
  process.stdout.write(
    `${JSON.stringify(
      {
        machine: { cpus: cpus().length, node: process.version },
        sequences: n,
        ingestSeconds: { a: +ia.seconds.toFixed(2), b: +ib.seconds.toFixed(2) },
        msPerRequest: ms,
      },
      null,
      2,
    )}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
