// GET /collection/{digest}/fasta, /fasta.fai and /chrom.sizes. Expected bytes are written here
// from the FASTA files the store was loaded from (normalised, wrapped at 60); the .fai must be
// what samtools faidx computes for the downloaded FASTA, when samtools is installed.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runIngest } from '../../src/cli/ingest-command.js';
import { buildTestApp, tempDir } from '../helpers/sample-store.js';
import { rng } from '../../scripts/reliability/lib/common.js';

const hasSamtools = spawnSync('samtools', ['--version']).status === 0;
const dir = tempDir(t);
const store = join(dir, 'store');
const next = rng(99);
const random = (n: number): string => Array.from({ length: n }, () => 'ACGT'[Math.floor(next() * 4)]).join('');

// Lengths around the 60-column line: 1, 59, 60, 61, 120, and one over the 256 KiB send block.
const small: [string, string][] = [
  ['one', 'A'],
  ['l59', random(59)],
  ['l60', random(60)],
  ['l61', random(61)],
  ['l120', random(120)],
  ['big', random(700_000)],
  ['again', random(61)],
];
writeFileSync(join(dir, 'small.fa'), small.map(([n, s]) => `>${n} description\n${s.toLowerCase()}\n`).join(''));
const many: [string, string][] = Array.from({ length: 3000 }, (_, i) => [`m${i}`, random(1 + (i % 150))]);
writeFileSync(join(dir, 'many.fa'), many.map(([n, s]) => `>${n}\n${s}\n`).join(''));
writeFileSync(join(dir, 'secret.fa'), `>s\n${random(30)}\n`);
const [smallDigest, manyDigest, secretDigest] = [
  (await runIngest([join(dir, 'small.fa')], { store })).collections[0]!.digest,
  (await runIngest([join(dir, 'many.fa')], { store })).collections[0]!.digest,
  (await runIngest([join(dir, 'secret.fa')], { store, collectionName: 'secret' })).collections[0]!.digest,
];
const tokens = join(dir, 'tokens.tsv');
writeFileSync(tokens, 'tok\tsecret\n', { mode: 0o600 });
const app = await buildTestApp(t, store, { tokensFile: tokens });

const fasta = (records: [string, string][]): string =>
  records.map(([n, s]) => `>${n}\n${s.toUpperCase().replace(/(.{60})/g, '$1\n')}${s.length % 60 === 0 ? '' : '\n'}`).join('');
const sizes = (records: [string, string][]): string => records.map(([n, s]) => `${n}\t${s.length}\n`).join('');

t.test('FASTA of a whole collection: the members in order, 60 bases per line, exact length', async (t) => {
  for (const [digest, records] of [
    [smallDigest, small],
    [manyDigest, many],
  ] as const) {
    const res = await app.inject({ url: `/collection/${digest}/fasta` });
    t.equal(res.statusCode, 200);
    t.equal(res.headers['content-type'], 'text/x-fasta; charset=us-ascii');
    const expected = fasta(records);
    t.equal(res.headers['content-length'], String(expected.length), 'Content-Length known up front');
    t.ok(res.body === expected, `${records.length} members: the body equals the FASTA written from the input`);
  }
});

t.test('chrom.sizes and the .fai of that FASTA', async (t) => {
  t.equal((await app.inject({ url: `/collection/${manyDigest}/chrom.sizes` })).body, sizes(many));
  const fai = (await app.inject({ url: `/collection/${smallDigest}/fasta.fai` })).body;
  t.equal(fai.split('\n')[1], `l59\t59\t${'>one\nA\n>l59\n'.length}\t59\t60`, 'an offset computed by hand (one line: 59 bases)');
  t.equal(fai.split('\n')[3], `l61\t61\t${'>one\nA\n>l59\n'.length + 60 + '>l60\n'.length + 61 + '>l61\n'.length}\t60\t61`);
  if (!hasSamtools) {
    t.comment('samtools is not installed: the .fai is not checked against samtools faidx');
    return;
  }
  for (const digest of [smallDigest, manyDigest]) {
    const file = join(dir, `${digest}.fa`);
    writeFileSync(file, (await app.inject({ url: `/collection/${digest}/fasta` })).rawPayload);
    t.equal(spawnSync('samtools', ['faidx', file]).status, 0);
    const ours = (await app.inject({ url: `/collection/${digest}/fasta.fai` })).body;
    t.equal(ours, readFileSync(`${file}.fai`, 'utf8'), 'the same index samtools faidx writes');
  }
});

t.test('unknown and private collections are 404; a token opens the private one', async (t) => {
  for (const path of ['fasta', 'fasta.fai', 'chrom.sizes']) {
    for (const digest of [secretDigest, 'x'.repeat(32), 'secret']) {
      const res = await app.inject({ url: `/collection/${digest}/${path}` });
      t.equal(res.statusCode, 404, `${path} ${digest.slice(0, 8)}`);
      t.equal(JSON.parse(res.body).error, 'COLLECTION_NOT_FOUND');
    }
    const granted = await app.inject({ url: `/collection/${secretDigest}/${path}`, headers: { authorization: 'Bearer tok' } });
    t.equal(granted.statusCode, 200, `${path} with the token`);
  }
});
