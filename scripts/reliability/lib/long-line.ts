// One record whose sequence is a single line of N megabytes of one base and no newline, piped
// into `refget ingest -` from a generator (no input file): it must complete with the right digests
// in bounded memory (the ingest's peak RSS is reported).
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { makeTempDir, rowSnapshot, startCli } from './common.js';

export interface LongLineFigures {
  megabytes: number;
  exit: number | null;
  seconds: number;
  peakRssMb: number;
  ok: boolean;
  problem?: string;
}

export async function runLongLine(opts: { megabytes: number }): Promise<LongLineFigures> {
  const tmp = makeTempDir('refget-longline-');
  try {
    const store = join(tmp.dir, 'store');
    const run = startCli(['ingest', '--store', store, '-'], { stdin: 'pipe', timeoutMs: 900_000 });
    const stdin = run.child.stdin!;
    stdin.on('error', () => undefined);
    const block = Buffer.alloc(1 << 20, 'a'); // lower case: normalised to A
    const md5 = createHash('md5');
    const sha = createHash('sha512');
    const upper = Buffer.alloc(1 << 20, 'A');
    stdin.write('>long one line, no newline\n');
    for (let i = 0; i < opts.megabytes; i++) {
      md5.update(upper);
      sha.update(upper);
      if (!stdin.write(block)) await once(stdin, 'drain');
    }
    stdin.end();
    const r = await run.done;
    const ga4gh = `SQ.${sha.digest().subarray(0, 24).toString('base64url')}`;
    void md5;
    const stored = r.code === 0 && rowSnapshot(store).sequences.includes(ga4gh);
    const figures: LongLineFigures = {
      megabytes: opts.megabytes,
      exit: r.code,
      seconds: r.ms / 1000,
      peakRssMb: Math.round(r.peakRssKb / 1024),
      ok: stored && r.peakRssKb < 400 * 1024,
    };
    if (!stored) figures.problem = `not stored: exit ${r.code}, ${r.stderr.trim().slice(0, 300)}`;
    else if (!figures.ok) figures.problem = `peak RSS ${figures.peakRssMb} MB`;
    return figures;
  } finally {
    tmp.remove();
  }
}
