// Ingest into a real store in a temp dir, then read back through the read-only store: digests
// (checked with node:crypto on the original text, independently of the ingest's own hashing),
// encodings, dedupe, aliases, circular flags, collections, atomicity and the writer lock.
import t from 'tap';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runIngest } from '../../src/cli/ingest-command.js';
import { runVerify } from '../../src/cli/verify-command.js';
import { IngestSession } from '../../src/store/ingest-session.js';
import { SequenceStore } from '../../src/store/sequence-store.js';
import { tempDir } from '../helpers/sample-store.js';

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
const ga4gh = (s: string): string => createHash('sha512').update(s).digest().subarray(0, 24).toString('base64url');
const norm = (s: string): string => s.replace(/[^A-Za-z]/g, '').toUpperCase();
const wrap = (s: string, width = 60): string => s.replace(new RegExp(`(.{${width}})`, 'g'), '$1\n');

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}
function genome(seed: number, length: number, iupacEvery = 0): string {
  const rand = rng(seed);
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = 'ACGTacgt'.charCodeAt(Math.floor(rand() * 8));
  out.fill('N', Math.floor(length / 3), Math.floor(length / 3) + 5000);
  if (iupacEvery > 0) for (let i = 7; i < length; i += iupacEvery) out[i] = 'RYKM'.charCodeAt(i % 4);
  return out.toString('latin1');
}

/** Every file of a store with its size and content hash: "exactly as it was" means equal snapshots. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || e.name.endsWith('-shm')) continue;
    const path = join(e.parentPath, e.name);
    files[path.slice(dir.length)] = `${statSync(path).size}:${md5(readFileSync(path).toString('latin1'))}`;
  }
  return files;
}

t.test('small and large records, plain and gzip, read back exactly', async (t) => {
  const dir = tempDir(t);
  const big = genome(1, 3_000_000); // > 1 MiB: takes the streaming path
  const small = 'acgtNNNNRYacgt\nACGT';
  const protein = 'MKVLAAGIVG*LLAWSQ';
  writeFileSync(join(dir, 'a.fa'), `>big some description\n${wrap(big)}\n>small\n${small}\n`);
  writeFileSync(join(dir, 'p.fa.gz'), gzipSync(`>prot\r\n${protein}\r\n`));
  const summary = await runIngest([join(dir, 'a.fa'), join(dir, 'p.fa.gz')], {
    store: join(dir, 'store'),
    namingAuthority: 'Test',
  });
  t.equal(summary.sequencesAdded, 3);
  t.equal(summary.records, 3);
  t.equal(summary.aliasesAdded, 3);
  t.equal(summary.bases, norm(big).length + norm(small).length + norm(protein).length);

  const store = SequenceStore.open(join(dir, 'store'));
  t.teardown(() => store.close());
  for (const [name, text] of [
    ['big', big],
    ['small', small],
    ['prot', protein],
  ] as const) {
    const expected = norm(text);
    const [record] = store.lookup({ kind: 'alias', namingAuthority: 'test', alias: name });
    t.ok(record, `${name} found by alias (authority stored lower-case)`);
    t.equal(record!.md5, md5(expected), `${name} md5`);
    t.equal(record!.ga4gh, ga4gh(expected), `${name} ga4gh`);
    t.equal(record!.length, expected.length, `${name} length`);
    t.equal((await store.readRange(record!, 0, record!.length)).toString('latin1'), expected, `${name} whole`);
    t.same(
      store.lookup({ kind: 'md5', md5: md5(expected) }).map((r) => r.rowId),
      [record!.rowId],
      `${name} by md5`,
    );
  }
  const [bigRec] = store.lookup({ kind: 'ga4gh', digest: ga4gh(norm(big)) });
  t.equal(bigRec!.encoding, 'twobit', 'nucleotides are 2-bit packed');
  t.ok(bigRec!.byteLength < bigRec!.length * 0.26, 'about a quarter byte per base');
  const [protRec] = store.lookup({ kind: 'ga4gh', digest: ga4gh(norm(protein)) });
  t.equal(protRec!.encoding, 'raw', 'protein is stored raw');
  const parts: Buffer[] = [];
  for await (const b of store.streamRange(bigRec!, 1000, 2_500_000)) parts.push(b as Buffer);
  t.equal(Buffer.concat(parts).toString('latin1'), norm(big).slice(1000, 2_500_000), 'streamed range');
});

t.test('IUPAC-heavy long record switches to raw mid-stream and stays exact', async (t) => {
  const dir = tempDir(t);
  const text = genome(2, 2_500_000, 13); // one exception every 13 bases: 2-bit would be larger
  writeFileSync(join(dir, 'x.fa'), `>x\n${wrap(text, 80)}\n`);
  await runIngest([join(dir, 'x.fa')], { store: join(dir, 'store') });
  const store = SequenceStore.open(join(dir, 'store'));
  t.teardown(() => store.close());
  const [rec] = store.lookup({ kind: 'md5', md5: md5(norm(text)) });
  t.equal(rec!.encoding, 'raw');
  t.equal(rec!.byteLength, norm(text).length);
  t.equal((await store.readRange(rec!, 0, rec!.length)).toString('latin1'), norm(text));
});

t.test('duplicates within one run, small and large, leave the pack as the unique records alone would', async (t) => {
  const dir = tempDir(t);
  const small = genome(5, 20_000);
  const large = genome(6, 100_000); // past the 64 KiB up to which the pack writer gathers writes
  writeFileSync(
    join(dir, 'dups.fa'),
    `>a\n${wrap(small)}\n>b\n${wrap(large)}\n>a2\n${wrap(small.toLowerCase())}\n>b2\n${wrap(large)}\n>c\nACGT\n`,
  );
  writeFileSync(join(dir, 'unique.fa'), `>a\n${wrap(small)}\n>b\n${wrap(large)}\n>c\nACGT\n`);
  const summary = await runIngest([join(dir, 'dups.fa')], { store: join(dir, 's1') });
  t.equal(summary.sequencesAdded, 3);
  t.equal(summary.duplicates, 2);
  await runIngest([join(dir, 'unique.fa')], { store: join(dir, 's2') });
  const packOf = (store: string): Buffer => readFileSync(join(dir, store, 'packs', '000001.pack'));
  t.same(packOf('s1'), packOf('s2'), 'byte-identical packs');
  const store = SequenceStore.open(join(dir, 's1'));
  t.teardown(() => store.close());
  for (const [name, text] of [
    ['a2', small],
    ['b2', large],
    ['c', 'ACGT'],
  ] as const) {
    const [rec] = store.lookup({ kind: 'md5', md5: md5(norm(text)) });
    t.ok(store.recordNames(rec!.rowId).includes(name), `${name} is a member`);
    t.equal((await store.readRange(rec!, 0, rec!.length)).toString('latin1'), norm(text));
  }
});

t.test('an identical sequence is stored once; a second copy only adds aliases and membership', async (t) => {
  const dir = tempDir(t);
  const store = join(dir, 'store');
  const big = genome(3, 1_500_000);
  writeFileSync(join(dir, 'a.fa'), `>chr1\n${wrap(big)}\n>chrM\nACGTTT\n`);
  writeFileSync(join(dir, 'b.fa'), `>1\n${wrap(big.toLowerCase())}\n>MT\nacgttt\n>extra\nGG\n`);
  await runIngest([join(dir, 'a.fa')], { store, namingAuthority: 'ucsc' });
  const packSize = statSync(join(store, 'packs', '000001.pack')).size;
  const second = await runIngest([join(dir, 'b.fa')], { store, namingAuthority: 'ensembl' });
  t.equal(second.sequencesAdded, 1, 'only "extra" is new');
  t.equal(second.duplicates, 2);
  t.ok(statSync(join(store, 'packs', '000001.pack')).size - packSize < 16, 'the duplicate bytes were given back');
  const s = SequenceStore.open(store);
  t.teardown(() => s.close());
  const [rec] = s.lookup({ kind: 'alias', namingAuthority: 'ensembl', alias: '1' });
  t.same(
    s.aliasesOf(rec!).map((a) => `${a.namingAuthority}:${a.alias}`),
    ['ensembl:1', 'ucsc:chr1'],
  );
  t.same(s.recordNames(rec!.rowId), ['1', 'chr1']);
  t.equal((await s.readRange(rec!, 0, rec!.length)).toString('latin1'), norm(big));
  t.equal(s.collections.list({}, 10, 0).total, 2, 'two collections');
});

t.test('--aliases TSV and NCBI assembly report; --circular; naming authorities lower-cased', async (t) => {
  const dir = tempDir(t);
  const store = join(dir, 'store');
  writeFileSync(join(dir, 'g.fa'), '>NC_000001.11\nACGTACGT\n>NC_012920.1\nGATCACAGG\n');
  writeFileSync(
    join(dir, 'r_assembly_report.txt'),
    [
      '# Assembly name:  test',
      '# Sequence-Name\tSequence-Role\tAssigned-Molecule\tAssigned-Molecule-Location/Type\tGenBank-Accn\tRelationship\tRefSeq-Accn\tAssembly-Unit\tSequence-Length\tUCSC-style-name',
      '1\tassembled-molecule\t1\tChromosome\tCM000663.2\t=\tNC_000001.11\tPrimary Assembly\t8\tchr1',
      'MT\tassembled-molecule\tMT\tMitochondrion\tJ01415.2\t<>\tNC_012920.1\tnon-nuclear\t9\tchrM',
      'HSCHR1_CTG1\tunlocalized-scaffold\t1\tChromosome\tKI270706.1\t=\tna\tPrimary Assembly\t175055\tna',
      '',
    ].join('\n'),
  );
  await runIngest([join(dir, 'g.fa')], { store, aliases: join(dir, 'r_assembly_report.txt'), circular: ['NC_012920.1'] });
  writeFileSync(join(dir, 'extra.tsv'), `${md5('ACGTACGT')}\tVMC\tGS_x\n`);
  await runIngest([join(dir, 'g.fa')], { store, aliases: join(dir, 'extra.tsv') });
  const s = SequenceStore.open(store);
  t.teardown(() => s.close());
  const [chr1] = s.lookup({ kind: 'alias', namingAuthority: 'insdc', alias: 'CM000663.2' });
  t.same(
    s.aliasesOf(chr1!).map((a) => `${a.namingAuthority}:${a.alias}`),
    ['insdc:CM000663.2', 'refseq:NC_000001.11', 'ucsc:chr1', 'vmc:GS_x'],
  );
  const [mt] = s.lookup({ kind: 'alias', namingAuthority: 'ucsc', alias: 'chrM' });
  t.equal(mt!.circular, true);
  t.equal(chr1!.circular, false);
  t.same(s.namingAuthorities(), ['insdc', 'refseq', 'ucsc', 'vmc']);
});

t.test('a record name shared by files names every sequence it had: --circular and --aliases reach all', async (t) => {
  const dir = tempDir(t);
  const store = join(dir, 'store');
  writeFileSync(join(dir, 'a.fa'), '>chrM\nGATCACAGG\n>chr1\nACGT\n');
  writeFileSync(join(dir, 'b.fa'), '>chrM\nTTTTCCCC\n');
  writeFileSync(join(dir, 'c.fa'), '>chrM\nGATCACAGG\n'); // the same sequence as a.fa's chrM
  writeFileSync(join(dir, 'm.tsv'), 'chrM\tucsc\tmito\n');
  await runIngest([join(dir, 'a.fa'), join(dir, 'b.fa'), join(dir, 'c.fa')], {
    store,
    circular: ['chrM'],
    aliases: join(dir, 'm.tsv'),
  });
  const s = SequenceStore.open(store);
  t.teardown(() => s.close());
  const mito = s.lookup({ kind: 'alias', namingAuthority: 'ucsc', alias: 'mito' });
  t.same(
    mito.map((r) => r.md5).sort(),
    [md5('GATCACAGG'), md5('TTTTCCCC')].sort(),
    'the alias names both chrM sequences, once each',
  );
  t.ok(
    mito.every((r) => r.circular),
    'both are circular',
  );
  const [chr1] = s.lookup({ kind: 'md5', md5: md5('ACGT') });
  t.equal(chr1!.circular, false, 'chr1 is not');
});

t.test('failures leave the store exactly as it was', async (t) => {
  const dir = tempDir(t);
  const store = join(dir, 'store');
  writeFileSync(join(dir, 'good.fa'), `>a\n${wrap(genome(4, 1_200_000))}\n`);
  await runIngest([join(dir, 'good.fa')], { store });
  const before = snapshot(store);
  // A large valid record first (its bytes reach the pack), then a malformed one.
  writeFileSync(join(dir, 'bad.fa'), `>b\n${wrap(genome(5, 2_000_000))}\n>c\nAC\u0000GT\n`);
  await t.rejects(runIngest([join(dir, 'bad.fa')], { store, namingAuthority: 'x' }), {
    code: 'FASTA_FORMAT',
    message: /bad\.fa:\d+/,
  });
  t.same(snapshot(store), before, 'bad FASTA: byte-identical store');
  writeFileSync(join(dir, 'dup.fa'), '>a\nAC\n>a\nGT\n');
  await t.rejects(runIngest([join(dir, 'good.fa'), join(dir, 'dup.fa')], { store }), { code: 'FASTA_FORMAT' });
  t.same(snapshot(store), before, 'error in the second file: nothing of the first is kept');
  await t.rejects(runIngest([join(dir, 'missing.fa')], { store }), { code: 'INPUT_ERROR' });
  writeFileSync(join(dir, 'bad.tsv'), 'a\tinsdc\n');
  await t.rejects(runIngest([join(dir, 'good.fa')], { store, aliases: join(dir, 'bad.tsv') }), {
    code: 'ALIASES_FORMAT',
    message: /bad\.tsv:1/,
  });
  writeFileSync(join(dir, 'unknown.tsv'), 'nope\tinsdc\tX1\n');
  await t.rejects(runIngest([join(dir, 'good.fa')], { store, aliases: join(dir, 'unknown.tsv') }), {
    code: 'INPUT_ERROR',
    message: /nope/,
  });
  await t.rejects(runIngest([join(dir, 'good.fa')], { store, circular: ['nope'] }), { code: 'INPUT_ERROR' });
  writeFileSync(
    join(dir, 'trunc.fa.gz'),
    gzipSync(Array.from({ length: 1000 }, (_, i) => `>t${i}\nACGTACGTACGT\n`).join('')).subarray(0, 200),
  );
  await t.rejects(runIngest([join(dir, 'trunc.fa.gz')], { store }), {
    code: 'FASTA_FORMAT',
    message: /trunc\.fa\.gz:\d+: corrupt or truncated gzip/,
  });
  t.same(snapshot(store), before, 'every failure left the store unchanged');
  const report = await runVerify(store);
  t.equal(report.problems.length, 0);
});

t.test('one writer at a time: a second ingest waits, then fails clearly', async (t) => {
  const dir = tempDir(t);
  const store = join(dir, 'store');
  writeFileSync(join(dir, 'a.fa'), '>a\nACGT\n');
  const holder = IngestSession.open(store);
  t.teardown(() => holder.rollback());
  const began = Date.now();
  await t.rejects(runIngest([join(dir, 'a.fa')], { store, wait: 0.3 }), { code: 'STORE_LOCKED', message: /another ingest/ });
  t.ok(Date.now() - began >= 250, 'it waited for the lock first');
  holder.rollback();
  const summary = await runIngest([join(dir, 'a.fa')], { store });
  t.equal(summary.sequencesAdded, 1, 'after the first writer ends, the next succeeds');
});

t.test('verify names sequences with a flipped byte, a truncated or a missing pack', async (t) => {
  const dir = tempDir(t);
  const store = join(dir, 'store');
  writeFileSync(join(dir, 'a.fa'), `>one\n${wrap(genome(6, 50_000))}\n>two\n${wrap(genome(7, 50_000))}\n`);
  await runIngest([join(dir, 'a.fa')], { store });
  const pack = join(store, 'packs', '000001.pack');
  const original = readFileSync(pack);
  t.equal((await runVerify(store)).problems.length, 0, 'clean store verifies');

  const flipped = Buffer.from(original);
  flipped[100] = flipped[100]! ^ 0x01;
  writeFileSync(pack, flipped);
  let report = await runVerify(store);
  t.equal(report.problems.length, 1, 'a flipped bit damages one sequence');
  t.same(report.problems[0]!.names, ['one']);

  writeFileSync(pack, original.subarray(0, original.length - 10));
  report = await runVerify(store);
  t.ok(
    report.problems.some((p) => p.names.includes('two') && /truncated/.test(p.problem)),
    'truncation is named',
  );

  const { rmSync } = await import('node:fs');
  rmSync(pack);
  report = await runVerify(store);
  t.equal(report.problems.length, 2, 'a missing pack damages both');
  t.match(report.problems[0]!.problem, /missing/);
});

t.test('a record name used twice in one file: the first repeat named with both lines, nothing stored', async (t) => {
  const dir = tempDir(t);
  const store = join(dir, 'store');
  writeFileSync(join(dir, 'good.fa'), '>x\nACGT\n');
  await runIngest([join(dir, 'good.fa')], { store });
  const before = snapshot(store);
  // Repeats of 'b' (line 7) and 'a' (line 9); 'b' repeats first. 'big' streams (over 1 MiB).
  const big = wrap(genome(6, 1_100_000));
  const lines = (text: string): number => text.split('\n').length - 1;
  const head = `>a\nAC\n>b\nGT\n>c\nTT\n`;
  const bigRecord = `>big\n${big}\n`;
  const text = `${head}>b desc\nGG\n>a\nCC\n${bigRecord}>big\nA\n`;
  writeFileSync(join(dir, 'dup.fa'), text);
  await t.rejects(runIngest([join(dir, 'dup.fa')], { store }), {
    code: 'FASTA_FORMAT',
    message: `${join(dir, 'dup.fa')}:7: duplicate record name 'b' (first seen on line 3)`,
  });
  // Only the streamed record is repeated: its line is after the big record's lines.
  writeFileSync(join(dir, 'dup-big.fa'), `${bigRecord}>c\nA\n>big\nA\n`);
  await t.rejects(runIngest([join(dir, 'dup-big.fa')], { store }), {
    code: 'FASTA_FORMAT',
    message: `${join(dir, 'dup-big.fa')}:${lines(bigRecord) + 3}: duplicate record name 'big' (first seen on line 1)`,
  });
  t.same(snapshot(store), before, 'byte-identical store');
  // The same name in two files is two collections' business, not a duplicate.
  writeFileSync(join(dir, 'other.fa'), '>x\nGGGG\n');
  const summary = await runIngest([join(dir, 'good.fa'), join(dir, 'other.fa')], { store });
  t.equal(summary.collections.length, 2);
});
