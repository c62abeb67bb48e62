// The malformed-FASTA corpus: hand-made bad inputs, each with the decision taken for it. An
// "error" case must make `refget ingest` exit 1 with `refget: FILE:LINE: cause` on stderr and
// leave the store byte-identical; a "normalised" case is valid FASTA whose odd bytes refget §2.8
// removes (exit 0, digests of the normalised text). docs/reliability.md has the same table.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { byteSnapshot, ga4ghOf, makeTempDir, mapLimit, rng, rowSnapshot, runCli } from './common.js';

export type CorpusCase =
  | { name: string; why: string; input: () => Buffer; expect: 'error'; line: number | 'any'; cause: RegExp }
  | { name: string; why: string; input: () => Buffer; expect: 'normalised'; sequences: Record<string, string> }
  | { name: string; why: string; input: 'directory' | 'missing'; expect: 'input-error'; cause: RegExp };

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const random = (seed: number, n: number, first?: number): Buffer => {
  const rand = rng(seed);
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rand() * 256);
  if (first !== undefined) out[0] = first;
  return out;
};
const utf16 = (s: string, be: boolean, bom: boolean): Buffer => {
  const le = Buffer.from((bom ? '\ufeff' : '') + s, 'utf16le');
  if (!be) return le;
  const out = Buffer.alloc(le.length);
  for (let i = 0; i + 1 < le.length; i += 2) {
    out[i] = le[i + 1]!;
    out[i + 1] = le[i]!;
  }
  return out;
};
const manyRecords = (n: number): string => Array.from({ length: n }, (_, i) => `>r${i}\nACGT${'ACGT'.repeat(i % 7)}\n`).join('');
const validFasta = (): string => Array.from({ length: 2000 }, (_, i) => `>s${i}\n${'ACGTTGCA'.repeat(20 + (i % 13))}\n`).join('');

export const CORPUS: readonly CorpusCase[] = [
  // ---- no records / no name / misplaced sequence ----
  {
    name: 'empty file',
    why: 'nothing to ingest',
    input: () => b(''),
    expect: 'error',
    line: 1,
    cause: /empty file: no FASTA records/,
  },
  {
    name: 'blank lines only',
    why: 'nothing to ingest',
    input: () => b('\n\n   \n'),
    expect: 'error',
    line: 3,
    cause: /empty file/,
  },
  {
    name: 'CRLF blank lines only',
    why: 'nothing to ingest',
    input: () => b('\r\n\r\n'),
    expect: 'error',
    line: 2,
    cause: /empty file/,
  },
  {
    name: "'>' only",
    why: 'a header without a name',
    input: () => b('>'),
    expect: 'error',
    line: 1,
    cause: /header has no name/,
  },
  {
    name: "'>' line, then bases",
    why: 'a header without a name',
    input: () => b('>\nACGT\n'),
    expect: 'error',
    line: 1,
    cause: /header has no name/,
  },
  {
    name: "'> name' (space after '>')",
    why: 'the name is the first token right after >',
    input: () => b('> chr1 desc\nACGT\n'),
    expect: 'error',
    line: 1,
    cause: /header has no name/,
  },
  {
    name: "'>' + TAB",
    why: 'a header without a name',
    input: () => b('>\t\nAC\n'),
    expect: 'error',
    line: 1,
    cause: /header has no name/,
  },
  {
    name: 'nameless header after a good record',
    why: 'a header without a name',
    input: () => b('>a\nAC\n>\nGT\n'),
    expect: 'error',
    line: 3,
    cause: /header has no name/,
  },
  {
    name: 'sequence before the first header',
    why: 'bases that belong to no record',
    input: () => b('ACGT\n>a\nAC\n'),
    expect: 'error',
    line: 1,
    cause: /sequence line before the first '>' header/,
  },
  {
    name: 'sequence after leading blank lines',
    why: 'bases that belong to no record',
    input: () => b('\n\nacgt\n>a\nAC\n'),
    expect: 'error',
    line: 3,
    cause: /before the first '>'/,
  },
  {
    name: 'duplicate record names',
    why: 'a collection cannot name two sequences alike',
    input: () => b('>a\nAC\n>b\nGG\n>a\nTT\n'),
    expect: 'error',
    line: 5,
    cause: /duplicate record name 'a' \(first seen on line 1\)/,
  },
  {
    name: 'duplicate names, different descriptions',
    why: 'names are the first token only',
    input: () => b('>a one\nAC\n>a two\nGG\n'),
    expect: 'error',
    line: 3,
    cause: /duplicate record name 'a'/,
  },
  {
    name: 'empty record in the middle',
    why: 'zero-length records are almost always truncation',
    input: () => b('>a\n>b\nAC\n'),
    expect: 'error',
    line: 1,
    cause: /record has an empty sequence/,
  },
  {
    name: 'empty last record',
    why: 'truncated file',
    input: () => b('>a\nAC\n>b\n'),
    expect: 'error',
    line: 3,
    cause: /empty sequence/,
  },
  {
    name: 'empty last record, no newline',
    why: 'truncated file',
    input: () => b('>a\nAC\n>b'),
    expect: 'error',
    line: 3,
    cause: /empty sequence/,
  },
  {
    name: 'record of digits only',
    why: 'digits are removed (§2.8), leaving nothing',
    input: () => b('>a\n1234 5678\n'),
    expect: 'error',
    line: 1,
    cause: /empty sequence/,
  },
  {
    name: 'record of blanks only',
    why: 'nothing left after normalisation',
    input: () => b('>a\n   \t \n'),
    expect: 'error',
    line: 1,
    cause: /empty sequence/,
  },
  // ---- bytes that are not text FASTA ----
  {
    name: 'NUL byte in a sequence line',
    why: 'binary or corrupt file',
    input: () => b('>a\nAC\0GT\n'),
    expect: 'error',
    line: 2,
    cause: /invalid byte 0x00 in sequence line/,
  },
  {
    name: 'NUL byte in a header',
    why: 'binary or corrupt file',
    input: () => b('>a\0b\nAC\n'),
    expect: 'error',
    line: 1,
    cause: /invalid byte 0x00 in header line/,
  },
  {
    name: 'NUL byte at line 300002 (past the first 1 MiB chunk)',
    why: 'line counting across read chunks',
    input: () => b(`${manyRecords(150_000)}>bad\nAC\0\n`),
    expect: 'error',
    line: 300_002,
    cause: /invalid byte 0x00/,
  },
  {
    name: 'binary (ELF-like) file',
    why: 'not text',
    input: () => random(11, 4096, 0x7f),
    expect: 'error',
    line: 1,
    cause: /invalid byte 0x7f/,
  },
  {
    name: 'UTF-16LE with BOM',
    why: 'not ASCII',
    input: () => utf16('>a\nACGT\n', false, true),
    expect: 'error',
    line: 1,
    cause: /invalid byte 0xff/,
  },
  {
    name: 'UTF-16LE without BOM',
    why: 'NUL after every character',
    input: () => utf16('>a\nACGT\n', false, false),
    expect: 'error',
    line: 1,
    cause: /invalid byte 0x00 in header line/,
  },
  {
    name: 'UTF-16BE without BOM',
    why: 'NUL before every character',
    input: () => utf16('>a\nACGT\n', true, false),
    expect: 'error',
    line: 1,
    cause: /invalid byte 0x00/,
  },
  {
    name: 'UTF-8 BOM',
    why: 'refused rather than guessed: a BOM means an editor re-encoded the file',
    input: () => b('\xef\xbb\xbf>a\nACGT\n'),
    expect: 'error',
    line: 1,
    cause: /invalid byte 0xef/,
  },
  {
    name: 'UTF-8 letter in a name',
    why: 'names are ASCII',
    input: () => Buffer.from('>chré\nAC\n', 'utf8'),
    expect: 'error',
    line: 1,
    cause: /invalid byte 0xc3 in header line/,
  },
  {
    name: 'UTF-8 letter in a sequence',
    why: 'é is not an ASCII letter and not a separator',
    input: () => Buffer.from('>a\nACGTé\n', 'utf8'),
    expect: 'error',
    line: 2,
    cause: /invalid byte 0xc3 in sequence line/,
  },
  {
    name: 'Latin-1 byte in a description',
    why: 'not ASCII',
    input: () => b('>a desc \xe9\nAC\n'),
    expect: 'error',
    line: 1,
    cause: /invalid byte 0xe9/,
  },
  {
    name: 'control byte 0x01 in a sequence',
    why: 'control bytes are never text',
    input: () => b('>a\nAC\x01GT\n'),
    expect: 'error',
    line: 2,
    cause: /invalid byte 0x01/,
  },
  {
    name: 'ANSI escape in a sequence',
    why: 'terminal output pasted into a file',
    input: () => b('>a\nAC\x1b[0mGT\n'),
    expect: 'error',
    line: 2,
    cause: /invalid byte 0x1b/,
  },
  {
    name: 'DEL 0x7f in a sequence',
    why: 'control byte',
    input: () => b('>a\nAC\x7fGT\n'),
    expect: 'error',
    line: 2,
    cause: /invalid byte 0x7f/,
  },
  {
    name: 'form feed line',
    why: 'control byte',
    input: () => b('>a\nAC\n\x0c\nGT\n'),
    expect: 'error',
    line: 3,
    cause: /invalid byte 0x0c/,
  },
  {
    name: 'classic Mac CR-only line ends',
    why: 'a header would swallow the whole file',
    input: () => b('>a\rACGT\r>b\rGG\r'),
    expect: 'error',
    line: 1,
    cause: /invalid byte 0x0d in header line/,
  },
  {
    name: 'CR inside a header',
    why: 'only CRLF is a line end',
    input: () => b('>a\rb\nAC\n'),
    expect: 'error',
    line: 1,
    cause: /invalid byte 0x0d in header line/,
  },
  {
    name: 'header over 1 MiB',
    why: 'headers are held in memory: bounded',
    input: () => b(`>${'x'.repeat((1 << 20) + 10)}\nAC\n`),
    expect: 'error',
    line: 1,
    cause: /header line longer than 1048576 bytes/,
  },
  {
    name: 'header over 1 MiB without newline',
    why: 'bounded memory',
    input: () => b(`>${'x'.repeat((1 << 20) + 1)}`),
    expect: 'error',
    line: 1,
    cause: /header line longer/,
  },
  // ---- compression ----
  {
    name: 'truncated gzip',
    why: 'incomplete download',
    input: () => {
      const g = gzipSync(validFasta());
      return g.subarray(0, Math.floor(g.length / 2));
    },
    expect: 'error',
    line: 'any',
    cause: /corrupt or truncated gzip data/,
  },
  {
    name: 'gzip magic, then garbage',
    why: 'corrupt archive',
    input: () => Buffer.concat([Buffer.from([0x1f, 0x8b]), random(12, 2000)]),
    expect: 'error',
    line: 1,
    cause: /corrupt or truncated gzip/,
  },
  {
    name: 'gzip of garbage',
    why: 'a valid archive of a binary file',
    input: () => gzipSync(random(13, 8192, 0x7f)),
    expect: 'error',
    line: 1,
    cause: /invalid byte 0x7f/,
  },
  {
    name: 'gzip of UTF-16',
    why: 'not ASCII inside a valid archive',
    input: () => gzipSync(utf16('>a\nACGT\n', false, true)),
    expect: 'error',
    line: 1,
    cause: /invalid byte 0xff/,
  },
  {
    name: 'gzip of an empty file',
    why: 'nothing to ingest',
    input: () => gzipSync(Buffer.alloc(0)),
    expect: 'error',
    line: 1,
    cause: /empty file/,
  },
  {
    name: 'gzip with trailing garbage',
    why: 'zlib refuses bytes after the last member; so do we',
    input: () => Buffer.concat([gzipSync('>a\nACGT\n'), b('trailing junk')]),
    expect: 'error',
    line: 'any',
    cause: /corrupt or truncated gzip/,
  },
  {
    name: 'multi-member (bgzip-like) gzip cut inside a member',
    why: 'truncated bgzip',
    input: () => {
      const parts = [0, 1, 2, 3].map((i) => gzipSync(`>m${i}\n${'ACGT'.repeat(5000)}\n`));
      const all = Buffer.concat(parts);
      return all.subarray(0, all.length - Math.floor(parts[3]!.length / 2));
    },
    expect: 'error',
    line: 'any',
    cause: /corrupt or truncated gzip/,
  },
  // ---- not a file ----
  { name: 'a directory', why: 'not a file', input: 'directory', expect: 'input-error', cause: /is a directory/ },
  { name: 'a missing file', why: 'typo in the path', input: 'missing', expect: 'input-error', cause: /no such file/ },
  // ---- normalised away (valid per refget §2.8) ----
  {
    name: 'soft-masked lower case',
    why: '§2.8: upper-cased',
    input: () => b('>a\nacgtNNnnACGT\n'),
    expect: 'normalised',
    sequences: { a: 'ACGTNNNNACGT' },
  },
  {
    name: 'mixed CRLF and LF',
    why: 'line ends are removed',
    input: () => b('>a desc\r\nACGT\nAC\r\nGT\n>b\r\nGG'),
    expect: 'normalised',
    sequences: { a: 'ACGTACGT', b: 'GG' },
  },
  {
    name: 'digits inside sequence lines (GenBank numbering)',
    why: '§2.8: every non-letter is removed',
    input: () => b('>a\n        1 acgtacgtac gtacgtacgt\n       21 acgt\n'),
    expect: 'normalised',
    sequences: { a: 'ACGTACGTACGTACGTACGTACGT' },
  },
  {
    name: 'gaps and stop codons',
    why: "'-', '.', '*' are removed",
    input: () => b('>p\nMKV-LA.A*\n'),
    expect: 'normalised',
    sequences: { p: 'MKVLAA' },
  },
  {
    name: 'spaces and tabs inside lines',
    why: 'whitespace is removed',
    input: () => b('>a\nAC GT\tAC \n'),
    expect: 'normalised',
    sequences: { a: 'ACGTAC' },
  },
  {
    name: "'>' inside a sequence line",
    why: "only a '>' at the start of a line opens a header; elsewhere it is a non-letter",
    input: () => b('>a\nAC>GT\n'),
    expect: 'normalised',
    sequences: { a: 'ACGT' },
  },
  {
    name: "';' comment line inside a record",
    why: "old Pearson comments are not recognised: ';' is dropped, the letters stay (as samtools faidx reads them)",
    input: () => b('>a\nACGT\n;note\nGG\n'),
    expect: 'normalised',
    sequences: { a: 'ACGTNOTEGG' },
  },
  {
    name: 'IUPAC codes and U',
    why: 'every letter is kept',
    input: () => b('>a\nACGURYKMSWBDHVN\n'),
    expect: 'normalised',
    sequences: { a: 'ACGURYKMSWBDHVN' },
  },
  { name: 'no newline at the end', why: 'valid', input: () => b('>a\nACGT'), expect: 'normalised', sequences: { a: 'ACGT' } },
  {
    name: 'blank lines before, between and after records',
    why: 'blank lines are removed',
    input: () => b('\n\n>a\nAC\n\n\n>b\nGT\n\n  \n'),
    expect: 'normalised',
    sequences: { a: 'AC', b: 'GT' },
  },
  {
    name: 'valid multi-member gzip',
    why: 'bgzip writes one member per block',
    input: () => Buffer.concat([gzipSync('>a\nAC'), gzipSync('GT\n>b\nTT\n')]),
    expect: 'normalised',
    sequences: { a: 'ACGT', b: 'TT' },
  },
];

export interface CorpusResult {
  name: string;
  expect: CorpusCase['expect'];
  exit: number | null;
  stderr: string;
  line: number | undefined;
  storeUnchanged: boolean;
  problems: string[];
}

/**
 * Runs the cases through the real CLI against copies of a seeded store: one run per bad input
 * (each must fail on its own), and one run for all the normalised inputs together (each file
 * its own collection), which saves a process start per case.
 */
export async function runCorpus(options: { concurrency?: number; cases?: readonly CorpusCase[] } = {}): Promise<CorpusResult[]> {
  const cases = options.cases ?? CORPUS;
  const tmp = makeTempDir('refget-corpus-');
  try {
    const base = join(tmp.dir, 'base');
    writeFileSync(join(tmp.dir, 'seed.fa'), '>seed1\nACGTACGTTTGACCA\n>seed2\nGGGCCCAAATTT\n');
    const seeded = await runCli(['ingest', '--store', base, '--naming-authority', 'seed', join(tmp.dir, 'seed.fa')]);
    if (seeded.code !== 0) throw new Error(`seeding failed: ${seeded.stderr}`);
    const baseBytes = byteSnapshot(base);
    const normalised = cases.filter((c) => c.expect === 'normalised');
    const batch =
      normalised.length === 0
        ? undefined
        : (async () => {
            const dir = join(tmp.dir, 'normalised');
            mkdirSync(dir);
            const store = join(dir, 'store');
            cpSync(base, store, { recursive: true });
            const files = normalised.map((c, i) => {
              const file = join(dir, `input-${i}.fa`);
              if (typeof c.input === 'function') writeFileSync(file, c.input());
              return file;
            });
            return { r: await runCli(['ingest', '--store', store, ...files]), rows: rowSnapshot(store) };
          })();
    const errorCases = cases.filter((c) => c.expect !== 'normalised');
    const errors = await mapLimit(errorCases, options.concurrency ?? 4, async (c, i) => {
      const dir = join(tmp.dir, `case-${i}`);
      mkdirSync(dir);
      const store = join(dir, 'store');
      cpSync(base, store, { recursive: true });
      let file = join(dir, `input-${i}.fa`);
      if (c.input === 'directory') mkdirSync(file);
      else if (c.input === 'missing') file = join(dir, 'no-such-file.fa');
      else writeFileSync(file, c.input());
      const r = await runCli(['ingest', '--store', store, file]);
      const problems: string[] = [];
      const m = new RegExp(`^refget: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+): (.*)$`, 'm').exec(r.stderr);
      const line = m ? Number(m[1]) : undefined;
      const unchanged = JSON.stringify(byteSnapshot(store)) === JSON.stringify(baseBytes);
      {
        if (r.code !== 1) problems.push(`exit ${r.code ?? r.signal}, expected 1`);
        if (!unchanged) problems.push('store changed');
        if (/unexpected error/.test(r.stderr)) problems.push('reported as an unexpected error');
        if (!c.cause.test(r.stderr)) problems.push(`stderr does not match ${c.cause}: ${r.stderr.trim().slice(0, 300)}`);
        if (c.expect === 'error') {
          if (line === undefined) problems.push(`no FILE:LINE in stderr: ${r.stderr.trim().slice(0, 300)}`);
          else if (c.line !== 'any' && line !== c.line) problems.push(`line ${line}, expected ${c.line}`);
        }
      }
      return {
        name: c.name,
        expect: c.expect,
        exit: r.code,
        stderr: r.stderr.trim().slice(0, 300),
        line,
        storeUnchanged: unchanged,
        problems,
      };
    });
    const done = await batch;
    const normalisedResults: CorpusResult[] = normalised.map((c) => {
      const problems: string[] = [];
      if (done!.r.code !== 0) problems.push(`exit ${done!.r.code}, expected 0: ${done!.r.stderr.trim()}`);
      for (const [name, seq] of Object.entries(c.expect === 'normalised' ? c.sequences : {})) {
        if (!done!.rows.sequences.includes(ga4ghOf(seq))) problems.push(`record ${name}: ${ga4ghOf(seq)} (${seq}) not stored`);
      }
      return { name: c.name, expect: c.expect, exit: done!.r.code, stderr: '', line: undefined, storeUnchanged: false, problems };
    });
    return [...errors, ...normalisedResults];
  } finally {
    tmp.remove();
  }
}
