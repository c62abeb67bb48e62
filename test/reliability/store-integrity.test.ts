// `refget verify` as a child process: exit 0 on a clean store; exit 1 naming the damaged
// sequences (by id and record name) for a flipped bit, a truncated pack and a missing pack.
import t from 'tap';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, runCli, writeGenome } from '../../scripts/reliability/lib/common.js';

t.test('verify exit codes and the sequences it names', async (t) => {
  const tmp = makeTempDir('refget-verify-');
  t.teardown(tmp.remove);
  const store = join(tmp.dir, 'store');
  const fasta = join(tmp.dir, 'g.fa');
  const [one, two] = writeGenome(fasta, 5, [
    { name: 'one', length: 40_000 },
    { name: 'two', length: 30_000, nRun: 500 },
  ]);
  t.equal((await runCli(['ingest', '--store', store, fasta])).code, 0, 'ingest');
  const clean = await runCli(['verify', '--store', store]);
  t.equal(clean.code, 0, 'a clean store verifies');
  t.match(JSON.parse(clean.stdout), { sequences: 2, damaged: 0 });

  const pack = join(store, 'packs', '000001.pack');
  const original = readFileSync(pack);
  const flipped = Buffer.from(original);
  flipped[5000] = flipped[5000]! ^ 0x10; // inside 'one' (2 bits a base: byte 5000 = bases 20000-20003)
  writeFileSync(pack, flipped);
  const bit = await runCli(['verify', '--store', store]);
  t.equal(bit.code, 1, 'flipped bit: exit 1');
  t.match(bit.stderr, `DAMAGED ${one!.ga4gh} (one): block 1 of ${one!.ga4gh} (pack 1, bytes 4096+) does not match its checksum`);
  t.notMatch(bit.stderr, two!.ga4gh, 'the intact sequence is not named');
  t.match(JSON.parse(bit.stdout), { damaged: 1 });

  writeFileSync(pack, original.subarray(0, original.length - 100));
  const truncated = await runCli(['verify', '--store', store]);
  t.equal(truncated.code, 1, 'truncated pack: exit 1');
  t.match(truncated.stderr, new RegExp(`DAMAGED ${two!.ga4gh.replace('.', '\\.')} \\(two\\): its pack file is truncated`));
  t.notMatch(truncated.stderr, one!.ga4gh, 'the sequence before the cut is intact and not named');
  t.match(JSON.parse(truncated.stdout), { damaged: 1 });

  rmSync(pack);
  const missing = await runCli(['verify', '--store', store]);
  t.equal(missing.code, 1, 'missing pack: exit 1');
  t.match(missing.stderr, `DAMAGED ${one!.ga4gh} (one): its pack file`);
  t.match(missing.stderr, `DAMAGED ${two!.ga4gh} (two): its pack file`);
  t.match(missing.stderr, /is missing/);
  t.match(JSON.parse(missing.stdout), { damaged: 2 });

  writeFileSync(pack, original);
  t.equal((await runCli(['verify', '--store', store])).code, 0, 'restored pack verifies again');
});
