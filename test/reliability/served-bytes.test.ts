// Quick version of scripts/reliability/served-bytes.ts: 2,000 random start/end, circular-wrap and
// Range requests against a real `refget serve` child; every body equals the normalised FASTA slice.
import t from 'tap';
import { randomSeed } from '../../scripts/reliability/lib/common.js';
import { runServedBytes } from '../../scripts/reliability/lib/served-bytes.js';

t.test('served bytes equal the slice of the original FASTA', async (t) => {
  const seed = Number(process.env.RELIABILITY_SEED ?? randomSeed());
  t.comment(`seed=${seed} (RELIABILITY_SEED=${seed} to replay)`);
  const f = await runServedBytes({ seed, requests: 2000, scale: 1 });
  t.same(f.failures, [], `${f.requests} requests, ${(f.bytesCompared / 1e6).toFixed(1)} MB compared`);
  t.equal(f.mismatches, 0);
  for (const kind of ['start-end', 'circular-wrap', 'range', 'range-clamped', 'start-only', 'end-only'])
    t.ok((f.byKind[kind] ?? 0) > 0, `covers ${kind}`);
});
