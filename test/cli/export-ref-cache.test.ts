// `refget export-ref-cache DIR`: the samtools REF_CACHE layout (%2s/%2s/%s, upper-case sequence,
// no newline). Every file is checked against the md5 of the FASTA text it came from (node:crypto),
// re-runs skip what is there, partial files never appear, failures name the file, and samtools
// decodes a CRAM offline from the exported cache.
import t from 'tap';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runExportRefCache, refCachePath } from '../../src/cli/export-ref-cache.js';
import { runIngest } from '../../src/cli/ingest-command.js';
import { sampleStore, SAMPLE, tempDir } from '../helpers/sample-store.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const SAMPLE_FILES = [
  'I.faa',
  'VI.faa',
  'NC.faa',
  'base.fa',
  'different_names.fa',
  'different_order.fa',
  'pair_swap.fa',
  'subset.fa',
  'swap_wo_coords.fa',
];

/** md5 → normalised sequence, for every record of the sample FASTA files (refget §2.8). */
function expectedSequences(): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of SAMPLE_FILES) {
    for (const chunk of readFileSync(join(SAMPLE, file), 'utf8').split('>').slice(1)) {
      const seq = chunk
        .slice(chunk.indexOf('\n') + 1)
        .replace(/[^A-Za-z]/g, '')
        .toUpperCase();
      out.set(createHash('md5').update(seq).digest('hex'), seq);
    }
  }
  return out;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

const md5Of = (buf: Buffer): string => createHash('md5').update(buf).digest('hex');

t.test('every stored sequence, at %2s/%2s/%s, its bytes hashing to its name', async (t) => {
  const store = await sampleStore(t);
  const cache = join(tempDir(t), 'cache');
  const expected = expectedSequences();
  const summary = await runExportRefCache(store, cache);
  const totalBytes = [...expected.values()].reduce((n, s) => n + s.length, 0);
  t.match(summary, { dir: cache, sequences: expected.size, written: expected.size, skipped: 0, bytes: totalBytes });

  const files = filesUnder(cache);
  t.same(
    files,
    [...expected.keys()].map((m) => `${m.slice(0, 2)}/${m.slice(2, 4)}/${m.slice(4)}`).sort(),
    'one file per sequence, named by md5',
  );
  for (const file of files) {
    const md5 = file.replace(/\//g, '');
    const bytes = readFileSync(join(cache, file));
    t.equal(md5Of(bytes), md5, `${file}: md5 of the file = its name`);
    t.equal(bytes.toString('latin1'), expected.get(md5), `${file}: the upper-case sequence, no newline`);
  }
  t.equal(refCachePath('/c', '6681ac2f62509cfc220d78751b8dc524'), join('/c', '66', '81', 'ac2f62509cfc220d78751b8dc524'));
});

t.test('a re-run skips files with the right size and replaces the others; no temp files remain', async (t) => {
  const store = await sampleStore(t);
  const cache = join(tempDir(t), 'cache');
  const first = await runExportRefCache(store, cache);
  const again = await runExportRefCache(store, cache);
  t.match(again, { sequences: first.sequences, written: 0, skipped: first.sequences, bytes: 0 }, 'nothing rewritten');

  const chrI = join(cache, '66', '81', 'ac2f62509cfc220d78751b8dc524');
  const good = readFileSync(chrI);
  writeFileSync(chrI, good.subarray(0, 1000)); // an interrupted copy from some other tool
  const nc = join(cache, '33', '32', 'ed720ac7eaa9b3655c06f6b9e196');
  const ncBefore = statSync(nc);
  const repaired = await runExportRefCache(store, cache);
  t.match(repaired, { written: 1, skipped: first.sequences - 1, bytes: good.length });
  t.equal(md5Of(readFileSync(chrI)), '6681ac2f62509cfc220d78751b8dc524', 'short file replaced');
  t.equal(statSync(nc).ino, ncBefore.ino, 'a present file is left alone');
  t.same(
    filesUnder(cache).filter((f) => f.includes('.tmp')),
    [],
    'no temp files',
  );
});

t.test('only sequences present in the store; new ingests add files', async (t) => {
  const dir = tempDir(t);
  const store = join(dir, 'store');
  writeFileSync(join(dir, 'a.fa'), '>a\nacgtn\n>g\nGGG\n');
  await runIngest([join(dir, 'a.fa')], { store });
  const cache = join(dir, 'cache');
  const summary = await runExportRefCache(store, cache);
  t.match(summary, { sequences: 2, written: 2 });
  const acgtn = createHash('md5').update('ACGTN').digest('hex');
  const ggg = createHash('md5').update('GGG').digest('hex');
  t.same(filesUnder(cache), [acgtn, ggg].map((m) => `${m.slice(0, 2)}/${m.slice(2, 4)}/${m.slice(4)}`).sort());
  t.equal(readFileSync(refCachePath(cache, acgtn), 'latin1'), 'ACGTN', 'lower case stored upper case');
  t.equal(readFileSync(refCachePath(cache, ggg), 'latin1'), 'GGG');
  writeFileSync(join(dir, 'b.fa'), '>b\nTTTT\n');
  await runIngest([join(dir, 'b.fa')], { store });
  t.match(await runExportRefCache(store, cache), { sequences: 3, written: 1, skipped: 2 });
});

t.test('a file that cannot be written: OUTPUT_ERROR naming it, nothing partial left', async (t) => {
  const dir = tempDir(t);
  const store = join(dir, 'store');
  writeFileSync(join(dir, 'a.fa'), '>a\nACGT\n');
  await runIngest([join(dir, 'a.fa')], { store });
  const cache = join(dir, 'cache');
  mkdirSync(cache);
  writeFileSync(join(cache, 'f1'), 'a file where the f1/ directory should be'); // md5(ACGT) = f1f8…
  await t.rejects(
    runExportRefCache(store, cache),
    {
      name: 'AppError',
      code: 'OUTPUT_ERROR',
      message: /^cannot write .*f1\/f8\/f4bf413b16ad135722aa4591043e: ENOTDIR/,
    },
    'OUTPUT_ERROR naming the file and the cause',
  );
  t.same(filesUnder(cache), ['f1'], 'nothing else written');
  await t.rejects(runExportRefCache(join(dir, 'nostore'), cache), { code: 'STORE_NOT_FOUND' }, 'missing store');
});

t.test('the refget export-ref-cache command: JSON summary, exit 0; a failure exits 1 with a message', async (t) => {
  const store = await sampleStore(t);
  const cache = join(tempDir(t), 'cache');
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8' });
  const ok = run('export-ref-cache', '--store', store, cache);
  t.equal(ok.status, 0, `exit 0 (stderr: ${ok.stderr})`);
  const summary = JSON.parse(ok.stdout) as { sequences: number; written: number };
  t.equal(summary.written, expectedSequences().size);
  t.equal(filesUnder(cache).length, summary.sequences);
  const bad = run('export-ref-cache', '--store', join(cache, 'nope'), cache);
  t.equal(bad.status, 1, 'a missing store exits 1');
  t.match(bad.stderr, /^refget: cannot open store index/);
  const noDir = run('export-ref-cache', '--store', store);
  t.not(noDir.status, 0, 'DIR is required');
  t.match(noDir.stderr, /missing required argument 'dir'/);
});

const hasSamtools = spawnSync('samtools', ['--version']).status === 0;

t.test(
  'samtools decodes a CRAM offline from the exported cache',
  { skip: hasSamtools ? false : 'samtools is not installed' },
  async (t) => {
    const store = await sampleStore(t);
    const dir = tempDir(t);
    const cache = join(dir, 'cache');
    await runExportRefCache(store, cache);
    const fasta = readFileSync(join(SAMPLE, 'NC.faa'), 'utf8');
    const nc = fasta
      .slice(fasta.indexOf('\n') + 1)
      .replace(/[^A-Za-z]/g, '')
      .toUpperCase();
    const md5 = createHash('md5').update(nc).digest('hex');
    const reads = [10, 2000, 5000].map((pos, i) => ({ name: `r${i}`, pos, seq: nc.slice(pos, pos + 80) }));
    writeFileSync(
      join(dir, 'reads.sam'),
      [
        `@SQ\tSN:NC_001422.1\tLN:${nc.length}\tM5:${md5}`,
        ...reads.map((r) => `${r.name}\t0\tNC_001422.1\t${r.pos + 1}\t60\t80M\t*\t0\t0\t${r.seq}\t${'I'.repeat(80)}`),
      ].join('\n') + '\n',
    );
    writeFileSync(join(dir, 'ref.fa'), `>NC_001422.1\n${nc}\n`);
    t.equal(
      spawnSync('samtools', ['view', '-C', '-T', join(dir, 'ref.fa'), '-o', join(dir, 'reads.cram'), join(dir, 'reads.sam')])
        .status,
      0,
      'CRAM written',
    );
    rmSync(join(dir, 'ref.fa'));
    rmSync(join(dir, 'reads.sam'));
    // No FASTA, no server: REF_PATH points nowhere, so the cache is the only source.
    const view = spawnSync('samtools', ['view', join(dir, 'reads.cram')], {
      encoding: 'utf8',
      env: { ...process.env, REF_PATH: join(dir, 'nowhere', '%s'), REF_CACHE: `${cache}/%2s/%2s/%s` },
      cwd: dir,
    });
    t.equal(view.status, 0, `samtools exit status (stderr: ${view.stderr.trim()})`);
    t.same(
      view.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t')[9]),
      reads.map((r) => r.seq),
      'reads decoded from the exported reference',
    );
  },
);

t.test('a tampered index cannot make the export write outside its directory', async (t) => {
  const { default: Database } = await import('better-sqlite3');
  const { sequenceRowSum } = await import('../../src/store/row-sum.js');
  const store = await sampleStore(t);
  const outside = tempDir(t);
  const cache = join(outside, 'cache');
  const evil = `../../../${relative(cache, outside).split(sep).join('/') || '.'}/escaped`.replace(/\/\.\//g, '/');
  const db = new Database(join(store, 'index.sqlite3'));
  const row = db.prepare('SELECT * FROM sequences ORDER BY id LIMIT 1').get() as Record<string, unknown>;
  // Both a plain edit and one that also forges the row checksum (someone who knows the scheme).
  const forged = sequenceRowSum({
    ga4gh: row.ga4gh as string,
    md5: evil,
    length: row.length as number,
    encoding: row.encoding as string,
    packId: row.pack_id as number,
    offset: row.offset as number,
    byteLength: row.byte_length as number,
    exceptionCount: row.exception_count as number,
    circular: row.circular === 1,
    blockSumsSum: row.block_sums_sum as number,
  });
  for (const rowSum of [row.row_sum, forged]) {
    db.prepare('UPDATE sequences SET md5 = ?, row_sum = ? WHERE id = ?').run(evil, rowSum, row.id);
    await t.rejects(
      runExportRefCache(store, cache),
      { code: 'CORRUPT_STORE' },
      rowSum === forged ? 'forged row checksum' : 'plain edit',
    );
    t.same(
      readdirSync(outside).filter((f) => f !== 'cache'),
      [],
      'nothing written beside the cache directory',
    );
  }
  db.close();
  t.throws(() => refCachePath('/c', '../../etc/passwd-xxxxxxxxxxxxxxxxxxx'), { code: 'CORRUPT_STORE' });
  t.throws(
    () => refCachePath('/c', '6681AC2F62509CFC220D78751B8DC524'),
    { code: 'CORRUPT_STORE' },
    'upper case is not an md5 the store writes',
  );
});
