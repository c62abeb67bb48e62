// Incomplete input is refused, naming the file, and leaves the store byte-identical: a bgzip file
// cut at every BGZF block boundary (each prefix is a valid series of gzip members, so only the
// missing end-of-file block tells), bgzip and gzip files cut at seeded random offsets, the same
// through stdin, and a plain or gzip file that grows while it is read. The compressed files come
// from the real bgzip (htslib's tabix package) and gzip.
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runIngest } from '../../src/cli/ingest-command.js';
import { ingestFiles } from '../../src/ingest/ingest-files.js';
import { IngestSession } from '../../src/store/ingest-session.js';
import { byteSnapshot, makeTempDir, rng, runCli, writeGenome } from '../../scripts/reliability/lib/common.js';

const hasBgzip = spawnSync('bgzip', ['--version']).status === 0;

/** Offsets where each BGZF block ends, from the BSIZE field of every block header (SAM spec §4.1). */
function bgzfBlockEnds(data: Buffer): number[] {
  const ends: number[] = [];
  for (let at = 0; at < data.length;) {
    const bsize = data.readUInt16LE(at + 16) + 1;
    at += bsize;
    ends.push(at);
  }
  return ends;
}

t.test('truncated compressed input is refused and changes nothing', async (t) => {
  // A fixed seed in npm test (the same cuts every run); RELIABILITY_SEED explores others.
  const seed = Number(process.env.RELIABILITY_SEED ?? 20261203);
  t.comment(`seed=${seed} (RELIABILITY_SEED=${seed} to replay)`);
  const rand = rng(seed);
  const tmp = makeTempDir('refget-trunc-');
  t.teardown(tmp.remove);
  const fasta = join(tmp.dir, 'g.fa');
  writeGenome(fasta, seed, [
    { name: 'a', length: 150_000 },
    { name: 'b', length: 120_000, nRun: 2000 },
    { name: 'c', length: 90 },
  ]);
  const store = join(tmp.dir, 'store');
  await runIngest([fasta], { store, collectionName: 'seed' }); // a store with something in it
  const before = byteSnapshot(store);
  const refused = async (data: Buffer, label: string, pattern: RegExp): Promise<void> => {
    const file = join(tmp.dir, 'cut.fa.gz');
    writeFileSync(file, data);
    const other = join(tmp.dir, 'other.fa');
    writeFileSync(other, '>other\nACGTTTGA\n'); // a good file in the same run is not kept either
    await t.rejects(runIngest([other, file], { store }), { message: pattern }, label);
  };

  const gz = execFileSync('gzip', ['-c', fasta]);
  for (let i = 0; i < 20; i++) {
    const cut = 1 + Math.floor(rand() * (gz.length - 2));
    await refused(
      gz.subarray(0, cut),
      `gzip cut at ${cut} of ${gz.length}`,
      /cut\.fa\.gz.*(corrupt or truncated gzip|truncated)/,
    );
  }
  t.same(byteSnapshot(store), before, 'store byte-identical after the gzip cuts');

  if (!hasBgzip) {
    await t.skip('bgzip (Debian package tabix) is not installed: BGZF block-boundary cuts not tested', () => undefined);
    return;
  }
  const bgz = execFileSync('bgzip', ['-c', fasta]);
  t.ok(
    bgz.subarray(-28).equals(Buffer.from('1f8b08040000000000ff0600424302001b0003000000000000000000', 'hex')),
    'bgzip ends with the EOF block',
  );
  const ends = bgzfBlockEnds(bgz);
  t.ok(ends.length >= 5, `${ends.length} BGZF blocks`);
  t.equal(ends.at(-1), bgz.length, 'the blocks tile the file');
  for (const end of ends.slice(0, -1)) {
    await refused(
      bgz.subarray(0, end),
      `bgzip cut after the block ending at ${end}`,
      /cut\.fa\.gz: truncated BGZF file \(no end-of-file block/,
    );
  }
  for (let i = 0; i < 10; i++) {
    const cut = 1 + Math.floor(rand() * (bgz.length - 2));
    await refused(bgz.subarray(0, cut), `bgzip cut at ${cut}`, /cut\.fa\.gz.*truncated/);
  }
  t.same(byteSnapshot(store), before, 'store byte-identical after every BGZF cut');

  // The same through stdin (the CLI, a pipe): refused, exit 1, one line.
  const cutFile = join(tmp.dir, 'stdin.fa.gz');
  writeFileSync(cutFile, bgz.subarray(0, ends[2]!));
  const cli = spawnSync(process.execPath, ['--import=tsx', 'src/cli/main.ts', 'ingest', '--store', store, '-'], {
    input: readFileSync(cutFile),
    encoding: 'utf8',
  });
  t.equal(cli.status, 1, 'stdin: exit 1');
  t.match(cli.stderr, /^refget: stdin: truncated BGZF file/);
  t.same(byteSnapshot(store), before, 'store byte-identical after the stdin cut');

  // The complete files ingest.
  const whole = join(tmp.dir, 'whole.fa.gz');
  writeFileSync(whole, bgz);
  t.equal((await runCli(['ingest', '--store', store, whole])).code, 0, 'the whole bgzip file ingests');
});

t.test('a file that changes while it is read is refused', async (t) => {
  const tmp = makeTempDir('refget-grow-');
  t.teardown(tmp.remove);
  for (const compressed of [false, true]) {
    const fasta = join(tmp.dir, compressed ? 'g.fa.gz' : 'g.fa');
    const plain = join(tmp.dir, 'plain.fa');
    writeGenome(plain, 5, [{ name: 'a', length: 3_000_000 }]);
    writeFileSync(fasta, compressed ? execFileSync('gzip', ['-c', '-1', plain], { maxBuffer: 1 << 30 }) : readFileSync(plain));
    const store = join(tmp.dir, `store-${compressed}`);
    await runIngest([plain], { store });
    const before = byteSnapshot(store);
    const session = IngestSession.open(store);
    let grown = false;
    try {
      await t.rejects(
        ingestFiles(session, [fasta], {
          onProgress: () => {
            if (!grown) appendFileSync(fasta, '>late\nACGT\n');
            grown = true;
          },
        }),
        { message: /g\.fa(\.gz)?: the file changed while it was read/ },
        compressed ? 'gzip file' : 'plain file',
      );
    } finally {
      session.rollback();
    }
    t.ok(grown, 'the file grew during the read');
    t.same(byteSnapshot(store), before, 'store byte-identical');
  }
});
