// A store holding one 6 Mbp random sequence (seeded), built once under bench/out/pipelining and
// shared by the hostile-client benches. Needs `npm run build`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { rng } from './generate.js';

export const BIG_BASES = 6_000_000;

/** The store's directory and the sequence's md5. */
export function bigStore(): { store: string; md5: string } {
  const dir = resolve('bench/out/pipelining');
  const store = join(dir, 'store');
  if (!existsSync(join(dir, 'md5'))) {
    mkdirSync(dir, { recursive: true });
    const rand = rng(7);
    const seq = Buffer.alloc(BIG_BASES);
    for (let i = 0; i < BIG_BASES; i++) seq[i] = 'ACGT'.charCodeAt(Math.floor(rand() * 4));
    const lines: string[] = ['>big'];
    for (let i = 0; i < BIG_BASES; i += 60) lines.push(seq.toString('latin1', i, i + 60));
    writeFileSync(join(dir, 'big.fa'), `${lines.join('\n')}\n`);
    const r = spawnSync('node', ['dist/cli/main.js', 'ingest', '--store', store, join(dir, 'big.fa')], { stdio: 'ignore' });
    if (r.status !== 0) throw new Error('ingest failed');
    writeFileSync(join(dir, 'md5'), createHash('md5').update(seq).digest('hex'));
  }
  return { store, md5: readFileSync(join(dir, 'md5'), 'utf8') };
}
