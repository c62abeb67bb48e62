// Child process for the fresh-store race: waits until the given epoch millisecond (so several
// processes open the store in the same instant), opens an ingest session, adds one sequence and
// commits. Prints 'ok' or 'ERR code message'.
//   node --import=tsx scripts/reliability/lib/open-at.ts STORE EPOCH_MS SEQUENCE
import { createHash } from 'node:crypto';
import { IngestSession } from '../../../src/store/ingest-session.js';

const [store, at, seq] = process.argv.slice(2) as [string, string, string];
while (Date.now() < Number(at)) {
  /* spin: sleeping would add a scheduler delay */
}
try {
  const session = IngestSession.open(store, { waitMs: 10_000 });
  const bases = Buffer.from(seq);
  session.addWholeSequence(bases, {
    md5: createHash('md5').update(bases).digest('hex'),
    ga4gh: createHash('sha512').update(bases).digest().subarray(0, 24).toString('base64url'),
  });
  session.commit();
  process.stdout.write('ok\n');
} catch (err) {
  process.stdout.write(`ERR ${(err as { code?: string }).code} ${(err as Error).message}\n`);
  process.exitCode = 1;
}
