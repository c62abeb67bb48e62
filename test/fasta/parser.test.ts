// FastaParser: record shapes, §2.8 normalisation, chunking independence, every error cause with its line.
import t from 'tap';
import { createHash } from 'node:crypto';
import { FastaParser, MAX_HEADER_BYTES, type FastaSink } from '../../src/fasta/parser.js';
import { FastaFormatError } from '../../src/fasta/errors.js';

interface Rec {
  name: string;
  description: string;
  line: number;
  seq: string;
}

/** A sink that records everything and checks the call protocol as it goes. */
function collector(): { sink: FastaSink; recs: Rec[]; chunkSizes: number[] } {
  const recs: Rec[] = [];
  const chunkSizes: number[] = [];
  let open = false;
  const sink: FastaSink = {
    recordStart(name, description, line) {
      if (open) throw new Error('recordStart while a record is open');
      open = true;
      recs.push({ name, description, line, seq: '' });
    },
    sequence(chunk) {
      if (!open) throw new Error('sequence outside a record');
      if (chunk.length === 0) throw new Error('empty sequence chunk');
      chunkSizes.push(chunk.length);
      recs[recs.length - 1]!.seq += chunk.toString('latin1');
    },
    recordEnd() {
      if (!open) throw new Error('recordEnd without recordStart');
      open = false;
    },
  };
  return { sink, recs, chunkSizes };
}

function parse(input: string | Buffer, chunks?: number[] | 'bytes'): Rec[] {
  const buf = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const { sink, recs } = collector();
  const p = new FastaParser(sink, { file: 'x.fa' });
  if (chunks === 'bytes') {
    for (let i = 0; i < buf.length; i++) p.push(buf.subarray(i, i + 1));
  } else {
    let at = 0;
    for (const cut of [...(chunks ?? []), buf.length]) {
      p.push(buf.subarray(at, cut));
      at = cut;
    }
  }
  p.end();
  return recs;
}

function parseError(input: string | Buffer, chunks?: number[] | 'bytes'): FastaFormatError {
  try {
    parse(input, chunks);
  } catch (err) {
    if (err instanceof FastaFormatError) return err;
    throw err;
  }
  throw new Error('expected a FastaFormatError');
}

/** Independent model of the rules: split on lines starting with '>', regex-normalise the rest. */
function model(text: string): Rec[] {
  const recs: Rec[] = [];
  text.split('\n').forEach((raw, idx) => {
    const line = raw.replace(/\r$/, '');
    const m = /^>([^ \t]+)(.*)$/.exec(line);
    if (m) recs.push({ name: m[1]!, description: m[2]!.trim(), line: idx + 1, seq: '' });
    else if (recs.length > 0) recs[recs.length - 1]!.seq += line.replace(/[^A-Za-z]/g, '').toUpperCase();
  });
  return recs;
}

const SHAPES: Record<string, string> = {
  'single-line': '>chr1 first one\nACGTACGTAC\n>chr2\nGGGG\n',
  'multi-line': '>a\nACGTA\nCGTAC\nGT\n>b desc\nTT\nTT\n',
  CRLF: '>a x\r\nACGT\r\nAC\r\n>b\r\nGG\r\n',
  mixed: '>a\r\nAC\nGT\r\n\r\n>b\nGG\r\nCC\n',
  'blank lines': '\n\n>a\n\nAC\n\n\nGT\n\n>b\n\nT\n\n',
  lowercase: '>a\nacgtNNnn\nAcGt\n',
  IUPAC: '>a\nRYKMSWBDHVN-ryk\n',
  'protein with *': '>p1 protein\nMKVLAAGIVGLLLA*\n>p2\nMSTNPKPQRKTKRNTNRRPQDVKFPGG*\n',
  'no trailing newline': '>a\nACGT\n>b\nGGCC',
  'digits spaces dashes dropped': '>a\n1 ACGT 60\n61 a-c.g_t 120\t\n',
  'U kept': '>rna\nACGUacgu\n',
  '> inside a line is not a header': '>a\nAC>GT\n',
  'tab separated description': '>chr1\tsome  desc \t\nA\n',
};

t.test('record shapes match the independent model', async (t) => {
  for (const [label, text] of Object.entries(SHAPES)) {
    const got = parse(text);
    t.strictSame(got, model(text), label);
    t.ok(
      got.every((r) => /^[A-Z]+$/.test(r.seq)),
      `${label}: only A-Z`,
    );
  }
  t.strictSame(parse(SHAPES['tab separated description']!)[0], { name: 'chr1', description: 'some  desc', line: 1, seq: 'A' });
  t.equal(parse(SHAPES['U kept']!)[0]!.seq, 'ACGUACGU', 'no U→T');
});

t.test('spec vector: "AC GT\\nacgt" normalises to ACGTACGT', async (t) => {
  const [rec] = parse('>t\nAC GT\nacgt\n');
  t.equal(rec!.seq, 'ACGTACGT');
  t.equal(createHash('md5').update(rec!.seq).digest('hex'), 'cc0af3a4fedb18378b4b57b98068e69f');
});

t.test('chunk boundaries anywhere give the one-shot result', async (t) => {
  const text = '\r\n>r1 d\r\nacgtN*-\r\n\r\nAC GT\n>r2\nRYKM\r\n>r3\nA';
  const oneShot = parse(text);
  t.strictSame(oneShot, model(text));
  t.strictSame(parse(text, 'bytes'), oneShot, 'byte by byte');
  let ok = 0;
  for (let a = 0; a <= text.length; a++) {
    if (JSON.stringify(parse(text, [a])) === JSON.stringify(oneShot)) ok++;
    for (let b = a; b <= text.length; b += 3)
      if (JSON.stringify(parse(text, [a, b])) !== JSON.stringify(oneShot)) t.fail(`3-way split ${a},${b}`);
  }
  t.equal(ok, text.length + 1, 'every 2-way split');
});

t.test('randomised inputs and chunkings agree with the model', async (t) => {
  let seed = 42;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  // Letters dominate so 4-letter runs (the parser's word-at-a-time path) are common; the
  // punctuation includes the bytes just outside A-Z and a-z ('@', '[', '`', '{').
  const alphabet = 'ACGTNacgtnRYUzZaAACGTACGTacgt*-. 0123456789\t\r@[`{_~';
  for (let iter = 0; iter < 300; iter++) {
    let text = rand(3) === 0 ? '\n' : '';
    const records = 1 + rand(4);
    for (let r = 0; r < records; r++) {
      text += `>s${r}${rand(2) ? ' d' + rand(9) : ''}${rand(2) ? '\r' : ''}\n`;
      const lines = 1 + rand(5);
      for (let l = 0; l < lines; l++) {
        let s = l === 0 ? 'ACGT'.charAt(rand(4)) : '';
        const len = rand(40);
        for (let k = 0; k < len; k++) s += alphabet.charAt(rand(alphabet.length));
        text += s + (rand(5) ? '\n' : '\n\n');
      }
    }
    if (rand(2)) text = text.slice(0, -1);
    const cuts: number[] = [];
    for (let at = rand(9); at < text.length; at += 1 + rand(17)) cuts.push(at);
    const want = model(text);
    const got = parse(text, cuts);
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      t.strictSame(got, want, `iteration ${iter}: ${JSON.stringify(text)} cuts ${cuts.join(',')}`);
      return;
    }
  }
  t.pass('300 random inputs');
});

t.test('wrapped records of every line width (1-80), LF and CRLF, agree with the model', async (t) => {
  // The scanner has a fast path for a 16-byte block holding one line feed; widths 1-80 put the
  // line feed at every position of a block, and next to '>' and the window's end.
  let seed = 7;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  let bad = 0;
  for (let width = 1; width <= 80; width++) {
    for (const eol of ['\n', '\r\n']) {
      let text = '';
      for (let r = 0; r < 3; r++) {
        let body = '';
        const len = 1 + rand(400);
        for (let k = 0; k < len; k++) body += 'ACGTNacgtnRY'.charAt(rand(12));
        text += `>r${r}${eol}${body.replace(new RegExp(`(.{${width}})`, 'g'), `$1${eol}`)}${eol}`;
      }
      const want = model(text);
      const cuts = [rand(text.length)];
      if (JSON.stringify(parse(text)) !== JSON.stringify(want) || JSON.stringify(parse(text, cuts)) !== JSON.stringify(want)) {
        bad++;
        t.strictSame(parse(text), want, `width ${width} ${JSON.stringify(eol)}`);
      }
    }
  }
  t.equal(bad, 0, '160 wrapped files');
});

t.test('long lines stream in bounded chunks', async (t) => {
  // 3 MiB single-line record (bigger than the 1 MiB scratch), pushed in odd-sized chunks.
  const unit = 'acgtNACGTRYacgtn-';
  const body = unit.repeat(Math.ceil((3 << 20) / unit.length));
  const text = `>big\n${body}\n>small\nAC\n`;
  const buf = Buffer.from(text, 'latin1');
  const { sink, recs, chunkSizes } = collector();
  const p = new FastaParser(sink, { file: 'big.fa' });
  for (let at = 0; at < buf.length; at += 999_983) p.push(buf.subarray(at, at + 999_983));
  p.end();
  t.equal(recs[0]!.seq, body.replace(/[^A-Za-z]/g, '').toUpperCase());
  t.equal(recs[1]!.seq, 'AC');
  t.ok(Math.max(...chunkSizes) <= 1 << 20, 'no sequence() chunk above the scratch size');
  t.ok(chunkSizes.length >= 4, 'a long line arrives in several sequence() calls');
  t.equal(p.bytesRead, buf.length);
  t.equal(p.line, 5, 'line is 1-based and past the final newline');
});

t.test('line and bytesRead while parsing', async (t) => {
  const p = new FastaParser(collector().sink, { file: 'x.fa' });
  t.equal(p.line, 1);
  p.push(Buffer.from('>a\r\nAC\n\nG'));
  t.equal(p.line, 4);
  t.equal(p.bytesRead, 9);
  p.end();
  t.throws(() => p.push(Buffer.from('A')), /after end/);
});

interface ErrorCase {
  label: string;
  input: string | Buffer;
  cause: string;
  line: number;
  message?: RegExp;
}
const ERRORS: ErrorCase[] = [
  { label: 'empty file', input: '', cause: 'EMPTY_FILE', line: 1, message: /empty file/ },
  { label: 'only blank lines', input: '\n\r\n  \n', cause: 'EMPTY_FILE', line: 3 },
  { label: 'only blank lines, no final newline', input: '\n\n ', cause: 'EMPTY_FILE', line: 3 },
  {
    label: 'sequence before header',
    input: 'ACGT\n>a\nAC\n',
    cause: 'SEQUENCE_BEFORE_HEADER',
    line: 1,
    message: /sequence line before the first '>' header/,
  },
  { label: 'sequence before header after blanks', input: '\n \nACGT\n>a\nAC\n', cause: 'SEQUENCE_BEFORE_HEADER', line: 3 },
  { label: 'indented header is not a header', input: ' >a\nAC\n', cause: 'SEQUENCE_BEFORE_HEADER', line: 1 },
  { label: '">" only', input: '>\nACGT\n', cause: 'EMPTY_NAME', line: 1, message: /no name/ },
  { label: '"> desc"', input: '>a\nAC\n> desc\nGG\n', cause: 'EMPTY_NAME', line: 3 },
  { label: 'duplicate names', input: '>a\nA\n>b x\nC\n>a y\nG\n', cause: 'DUPLICATE_NAME', line: 5, message: /'a'.*line 1/ },
  {
    label: 'empty record in the middle',
    input: '>a\nA\n>b\n>c\nG\n',
    cause: 'EMPTY_SEQUENCE',
    line: 3,
    message: /empty sequence/,
  },
  { label: 'record of only non-letters', input: '>a\nA\n>b\n12 -- **\n\n>c\nG\n', cause: 'EMPTY_SEQUENCE', line: 3 },
  { label: 'empty record at the end', input: '>a\nA\n>b\n\n', cause: 'EMPTY_SEQUENCE', line: 3 },
  { label: 'header at EOF without newline', input: '>a\nA\n>b', cause: 'EMPTY_SEQUENCE', line: 3 },
  { label: 'NUL byte', input: '>a\nAC\nAC\0GT\n', cause: 'INVALID_BYTE', line: 3, message: /0x00/ },
  { label: 'DEL byte', input: '>a\nAC\x7f\n', cause: 'INVALID_BYTE', line: 2, message: /0x7f/ },
  {
    label: 'UTF-8 é (0xc3) in sequence',
    input: Buffer.from('>a\nAC\nGTé\n', 'utf8'),
    cause: 'INVALID_BYTE',
    line: 3,
    message: /0xc3/,
  },
  {
    label: 'UTF-8 in header',
    input: Buffer.from('>chré\nAC\n', 'utf8'),
    cause: 'INVALID_BYTE',
    line: 1,
    message: /0xc3 in header/,
  },
  { label: 'control byte in header', input: '>a\nA\n>b\x01\nA\n', cause: 'INVALID_BYTE', line: 3 },
  { label: 'stray CR in header', input: '>a\rb\nA\n', cause: 'INVALID_BYTE', line: 1, message: /0x0d/ },
  {
    label: 'UTF-16 LE with BOM',
    input: Buffer.from('\ufeff>a\nACGT\n', 'utf16le'),
    cause: 'INVALID_BYTE',
    line: 1,
    message: /0xff/,
  },
  {
    label: 'binary garbage (PNG)',
    input: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]),
    cause: 'INVALID_BYTE',
    line: 1,
    message: /0x89/,
  },
  { label: 'raw gzip bytes', input: Buffer.from([0x1f, 0x8b, 0x08, 0x00]), cause: 'INVALID_BYTE', line: 1, message: /0x1f/ },
  {
    label: 'binary after a header',
    input: Buffer.concat([Buffer.from('>a\nACGT\n'), Buffer.from([0x41, 0xfe, 0x00, 0x12])]),
    cause: 'INVALID_BYTE',
    line: 3,
    message: /0xfe/,
  },
  { label: 'header too long', input: `>${'x'.repeat(MAX_HEADER_BYTES + 1)}\nA\n`, cause: 'HEADER_TOO_LONG', line: 1 },
];

t.test('errors name the cause and the line, whatever the chunking', async (t) => {
  for (const c of ERRORS) {
    const err = parseError(c.input);
    t.equal(err.cause_, c.cause, `${c.label}: cause`);
    t.equal(err.line, c.line, `${c.label}: line`);
    t.equal(err.file, 'x.fa');
    t.equal(err.code, 'FASTA_FORMAT');
    t.match(err.message, new RegExp(`^x\\.fa:${c.line}: `), `${c.label}: message prefix`);
    if (c.message) t.match(err.message, c.message, `${c.label}: message`);
    if (c.input.length < 100) {
      const bytewise = parseError(c.input, 'bytes');
      t.same([bytewise.cause_, bytewise.line], [c.cause, c.line], `${c.label}: byte by byte`);
    }
  }
});

t.test('header too long is detected across chunks', async (t) => {
  const p = new FastaParser(collector().sink, { file: 'h.fa' });
  p.push(Buffer.from('>a\nAC\n>'));
  const piece = Buffer.alloc(64 * 1024, 'x');
  let err: unknown;
  try {
    for (let i = 0; i < 20; i++) p.push(piece);
  } catch (e) {
    err = e;
  }
  t.match(err, { cause_: 'HEADER_TOO_LONG', line: 3 });
});
