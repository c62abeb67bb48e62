// openFastaInput / parseFastaInput: plain and gzip detection by magic bytes, multi-member (bgzip)
// gzip, corrupt compression, missing files, and stdin through a child process.
import t from 'tap';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { AppError } from '../../src/errors.js';
import { FastaFormatError } from '../../src/fasta/errors.js';
import { CorruptCompressionError, openFastaInput, parseFastaInput } from '../../src/fasta/open-input.js';
import type { FastaSink } from '../../src/fasta/parser.js';

/** The standard 28-byte BGZF end-of-file block: an empty gzip member with the BC extra field. */
const BGZF_EOF = Buffer.from('1f8b08040000000000ff0600424302001b0003000000000000000000', 'hex');

async function parseFile(path: string): Promise<{ recs: Record<string, string>; size: number | undefined; file: string }> {
  const input = await openFastaInput(path);
  const recs: Record<string, string> = {};
  let current = '';
  const sink: FastaSink = {
    recordStart(name) {
      current = name;
      recs[name] = '';
    },
    sequence(chunk) {
      recs[current] += chunk.toString('latin1');
    },
    recordEnd() {},
  };
  await parseFastaInput(input, sink);
  return { recs, size: input.size, file: input.file };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

const TEXT = '>chr1 d\nACGTacgt\nNN\n>chr2\nGG-CC\n';
const WANT = { chr1: 'ACGTACGTNN', chr2: 'GGCC' };

t.test('plain file', async (t) => {
  const dir = t.testdir({ 'a.fa': TEXT });
  const got = await parseFile(join(dir, 'a.fa'));
  t.strictSame(got.recs, WANT);
  t.equal(got.size, TEXT.length);
  t.equal(got.file, join(dir, 'a.fa'), 'display name is the path');
});

t.test('gzip detected by magic bytes, whatever the extension', async (t) => {
  const gz = gzipSync(TEXT);
  const dir = t.testdir({ 'a.fa.gz': gz, 'no-extension': gz, 'plain.gz': TEXT });
  for (const name of ['a.fa.gz', 'no-extension', 'plain.gz']) t.strictSame((await parseFile(join(dir, name))).recs, WANT, name);
  t.equal((await parseFile(join(dir, 'a.fa.gz'))).size, gz.length, 'size is the compressed size');
  const input = await openFastaInput(join(dir, 'a.fa.gz'));
  let out = 0;
  for await (const chunk of input.stream) out += chunk.length;
  t.same([input.bytesIn(), out], [gz.length, TEXT.length], 'bytesIn counts compressed bytes, the stream gives decompressed ones');
});

t.test('multi-member gzip (bgzip-like): every member is decoded', async (t) => {
  const data = Buffer.concat([gzipSync('>a\nACGT\nAC'), gzipSync('GT\n>b\nTTTT\n'), BGZF_EOF]);
  const dir = t.testdir({ 'm.fa.gz': data });
  t.strictSame((await parseFile(join(dir, 'm.fa.gz'))).recs, { a: 'ACGTACGT', b: 'TTTT' });
});

t.test('large gzip input arrives in many chunks and parses exactly', async (t) => {
  const line = 'ACGTACGTNNacgtRYKM'.repeat(4).slice(0, 60);
  const body = Array.from({ length: 80_000 }, () => line).join('\n');
  const text = `>big\n${body}\n>tail\nA\n`;
  const dir = t.testdir({ 'big.fa.gz': Buffer.concat([gzipSync(text.slice(0, 1_000_001)), gzipSync(text.slice(1_000_001))]) });
  const got = await parseFile(join(dir, 'big.fa.gz'));
  const want = body.replace(/[^A-Za-z]/g, '').toUpperCase();
  t.equal(got.recs['big']!.length, want.length);
  t.equal(createHash('md5').update(got.recs['big']!).digest('hex'), createHash('md5').update(want).digest('hex'));
  t.equal(got.recs['tail'], 'A');
});

t.test('corrupt compression', async (t) => {
  // Pseudo-random bases so the compressed stream is long enough to cut mid-way.
  let seed = 7;
  const bases = Array.from({ length: 60_000 }, () => 'ACGT'.charAt((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 4));
  const gz = gzipSync(`>a\n${bases.join('').replace(/(.{60})/g, '$1\n')}`);
  const dir = t.testdir({
    'truncated.fa.gz': gz.subarray(0, gz.length - 100),
    'garbage.fa.gz': Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('this is not deflate data at all')]),
    'magic-only.gz': Buffer.from([0x1f, 0x8b]),
  });
  for (const name of ['truncated.fa.gz', 'garbage.fa.gz', 'magic-only.gz']) {
    const path = join(dir, name);
    const err = await rejection(parseFile(path));
    t.type(err, FastaFormatError, `${name}: parseFastaInput gives a FastaFormatError`);
    t.equal((err as FastaFormatError).cause_, 'CORRUPT_COMPRESSION', name);
    t.match(
      (err as Error).message,
      new RegExp(`^${path.replace(/[.]/g, '\\.')}:\\d+: corrupt or truncated gzip data \\(.+\\)$`),
      name,
    );
  }
  t.ok(
    ((await rejection(parseFile(join(dir, 'truncated.fa.gz')))) as FastaFormatError).line > 1,
    'line says how far decoding got',
  );

  // Reading the stream directly (no parser, so no line) gives an AppError('INPUT_ERROR').
  const input = await openFastaInput(join(dir, 'garbage.fa.gz'));
  const err = await rejection(
    (async () => {
      for await (const chunk of input.stream) void chunk;
    })(),
  );
  t.type(err, CorruptCompressionError);
  t.equal((err as AppError).code, 'INPUT_ERROR');
  t.match((err as Error).message, /garbage\.fa\.gz: corrupt or truncated gzip data/);
});

t.test('missing file, directory, empty file', async (t) => {
  const dir = t.testdir({ 'empty.fa': '', sub: {} });
  const missing = join(dir, 'nope.fa');
  const err = await rejection(openFastaInput(missing));
  t.type(err, AppError);
  t.equal((err as AppError).code, 'INPUT_ERROR');
  t.equal((err as Error).message, `${missing}: no such file`);
  t.match(await rejection(openFastaInput(join(dir, 'sub'))), { code: 'INPUT_ERROR', message: /is a directory/ });
  // An empty file is plain (no magic to peek at) and the parser reports it.
  t.match(await rejection(parseFile(join(dir, 'empty.fa'))), { cause_: 'EMPTY_FILE', line: 1 });
});

t.test('a parse error stops reading and closes the file', async (t) => {
  const dir = t.testdir({ 'bad.fa': `ACGT\n${'>x\nA\n'.repeat(300_000)}` });
  const err = await rejection(parseFile(join(dir, 'bad.fa')));
  t.match(err, { cause_: 'SEQUENCE_BEFORE_HEADER', line: 1 });
});

/** Run openFastaInput('-') in a child process, feeding stdin in two writes with a pause between. */
function viaStdin(first: Buffer, rest: Buffer): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const moduleUrl = new URL('../../src/fasta/open-input.ts', import.meta.url).href;
  const code = `
    import { openFastaInput, parseFastaInput } from ${JSON.stringify(moduleUrl)};
    const input = await openFastaInput('-');
    const recs = {}; let cur = '';
    try {
      await parseFastaInput(input, { recordStart(n) { cur = n; recs[n] = ''; }, sequence(b) { recs[cur] += b.toString(); }, recordEnd() {} });
      console.log(JSON.stringify({ file: input.file, recs }));
    } catch (err) { console.log(JSON.stringify({ error: err.message })); }`;
  const child = spawn(process.execPath, ['--import=tsx', '--input-type=module', '-e', code], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.write(first);
  // The pause makes the child see a short first read, exercising the magic-byte peek.
  setTimeout(() => child.stdin.end(rest), 300);
  return new Promise((resolve) => child.on('close', (exit) => resolve({ code: exit, stdout, stderr })));
}

t.test('stdin: gzip split after its first byte, and plain', async (t) => {
  const gz = Buffer.concat([gzipSync(TEXT.slice(0, 10)), gzipSync(TEXT.slice(10))]);
  const a = await viaStdin(gz.subarray(0, 1), gz.subarray(1));
  t.equal(a.code, 0, a.stderr);
  t.strictSame(JSON.parse(a.stdout), { file: 'stdin', recs: WANT });
  const b = await viaStdin(Buffer.from(TEXT.slice(0, 1)), Buffer.from(TEXT.slice(1)));
  t.strictSame(JSON.parse(b.stdout), { file: 'stdin', recs: WANT });
  const c = await viaStdin(Buffer.from('>a\nAC'), Buffer.from('\n>a\nGG\n'));
  t.match(JSON.parse(c.stdout), { error: /^stdin:3: duplicate record name 'a'/ });
});
