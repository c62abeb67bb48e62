// Push-based streaming FASTA parser: splits records, normalises sequence bytes (spec §2.8) and
// rejects malformed input with a FastaFormatError naming file, line and cause.
import { FastaFormatError, type FastaErrorCause } from './errors.js';
import { BodyScanner, SCAN_WINDOW } from './scan-body.js';

export interface FastaSink {
  /** A header line `>name description`. name = first whitespace-delimited token. line is 1-based. */
  recordStart(name: string, description: string, line: number): void;
  /** Normalised sequence bytes: only A-Z (upper-cased), every other allowed byte dropped. The Buffer
   * may be a view into a reused scratch buffer: the consumer must use/copy it before returning.
   * Never called with length 0. */
  sequence(chunk: Buffer): void;
  /** End of the current record (before the next recordStart, and at end()). */
  recordEnd(): void;
}

/** Headers are accumulated in memory (sequence lines never are); past this we refuse the file. */
export const MAX_HEADER_BYTES = 1 << 20;
const SCRATCH_BYTES = SCAN_WINDOW;

// Byte classes (the scanner's table). Letters map to their upper-case byte (0x41-0x5A), so one
// `v >= 0x41` test finds them. The small codes below are only looked at otherwise.
const DROP = 0; // printable non-letters, TAB, CR: removed by normalisation
const NEWLINE = 1; // LF: handled inline so the hot loop never needs a separate indexOf per line
const INVALID = 2; // control bytes, DEL and anything >= 0x80: not a text FASTA file
const LUT = new Uint8Array(256).fill(INVALID);
for (let c = 0x20; c <= 0x7e; c++) LUT[c] = DROP;
LUT[0x09] = DROP;
LUT[0x0d] = DROP;
LUT[0x0a] = NEWLINE;
for (let c = 0x41; c <= 0x5a; c++) {
  LUT[c] = c;
  LUT[c + 0x20] = c;
}

const GT = 0x3e; // '>'
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

/** Before the first header / inside a header line / inside a record body. */
type State = 'pre' | 'header' | 'body';

const hex = (b: number): string => `0x${b.toString(16).padStart(2, '0')}`;

export class FastaParser {
  private readonly sink: FastaSink;
  private readonly file: string;
  private readonly scanner = new BodyScanner(LUT);
  /** Normalised bases of the current record not yet handed to the sink (the scanner's output). */
  private readonly scratch = this.scanner.output;
  private outPos = 0;
  private state: State = 'pre';
  private atLineStart = true;
  private lineNo = 1;
  private total = 0;
  private ended = false;
  // Current header being accumulated (it may span chunks) and the line it started on.
  private headerParts: Buffer[] = [];
  private headerBytes = 0;
  private headerLine = 0;
  private headerCR = false; // the stored part ends with CR: only an LF may follow
  // Current record: its header line and how many normalised bytes it has produced so far.
  private recordLine = 0;
  private recordLen = 0;
  /** Each record name and its line, for the duplicate check; undefined when the caller checks. */
  private readonly names: Map<string, number> | undefined;

  /**
   * `checkDuplicateNames: false` leaves the duplicate-name check to the caller: the check here
   * keeps every name in memory, which a caller that stores the names anyway (ingest, on disk)
   * need not pay for.
   */
  constructor(sink: FastaSink, options: { file: string; checkDuplicateNames?: boolean }) {
    this.sink = sink;
    this.file = options.file;
    this.names = options.checkDuplicateNames === false ? undefined : new Map();
  }

  get bytesRead(): number {
    return this.total;
  }

  /** Current 1-based line (the line the next byte belongs to). */
  get line(): number {
    return this.lineNo;
  }

  push(chunk: Buffer): void {
    if (this.ended) throw new Error('FastaParser.push() after end()');
    this.total += chunk.length;
    const n = chunk.length;
    const src = new Uint8Array(chunk.buffer, chunk.byteOffset, n);
    this.scanner.begin(src);
    let i = 0;
    while (i < n) {
      if (this.state === 'header') {
        i = this.scanHeader(chunk, i, n);
      } else if (this.atLineStart && chunk[i] === GT) {
        this.beginHeader();
        i++;
      } else if (this.state === 'body') {
        if (this.outPos === SCRATCH_BYTES) this.flush();
        // Output never exceeds input, so capping the input window at the free scratch space
        // means the hot loop needs no capacity check.
        const stop = Math.min(n, i + (SCRATCH_BYTES - this.outPos));
        const next = this.scanner.scan(i, stop, this.outPos, this.lineNo);
        this.outPos = this.scanner.outPos;
        this.lineNo = this.scanner.line;
        if (next < 0) throw this.invalidByte(src[-1 - next]!, 'sequence line');
        this.atLineStart = next > i && src[next - 1] === LF;
        i = next;
      } else {
        i = this.scanPre(chunk, i, n);
      }
    }
    // Emit per push so the consumer (hashing, packing) keeps pace with the input stream.
    this.flush();
  }

  end(): void {
    if (this.ended) return;
    if (this.state === 'header') this.finishPendingHeader();
    this.ended = true;
    if (this.state === 'pre') {
      // Only blank lines were seen (anything else already threw). Point at the last line read.
      const last = this.atLineStart && this.total > 0 ? this.lineNo - 1 : this.lineNo;
      throw this.error(Math.max(1, last), 'EMPTY_FILE', 'empty file: no FASTA records');
    }
    this.endRecord();
  }

  private flush(): void {
    if (this.outPos === 0) return;
    this.recordLen += this.outPos;
    const view = this.scratch.subarray(0, this.outPos);
    this.outPos = 0;
    this.sink.sequence(view);
  }

  /** Lines before the first header may only be blank (whitespace). Not a hot path. */
  private scanPre(chunk: Buffer, i: number, n: number): number {
    this.atLineStart = false;
    const nl = chunk.indexOf(LF, i);
    const stop = nl < 0 ? n : nl;
    let firstText = -1;
    for (let j = i; j < stop; j++) {
      const c = chunk[j]!;
      // An invalid byte anywhere in this stretch wins: "binary file" is the more useful report.
      if (LUT[c] === INVALID) throw this.invalidByte(c, 'line');
      if (firstText < 0 && c !== SPACE && c !== TAB && c !== CR) firstText = j;
    }
    if (firstText >= 0) {
      throw this.error(this.lineNo, 'SEQUENCE_BEFORE_HEADER', "sequence line before the first '>' header");
    }
    if (nl < 0) return n;
    this.lineNo++;
    this.atLineStart = true;
    return nl + 1;
  }

  private beginHeader(): void {
    if (this.state === 'body') this.endRecord();
    this.state = 'header';
    this.atLineStart = false;
    this.headerLine = this.lineNo;
    this.headerParts = [];
    this.headerBytes = 0;
  }

  private scanHeader(chunk: Buffer, i: number, n: number): number {
    const nl = chunk.indexOf(LF, i);
    const stop = nl < 0 ? n : nl;
    // Validate as bytes arrive, so a binary file that happens to start with '>' is reported as
    // such rather than as an over-long header. A CR is allowed only right before the LF; one
    // ending a chunk is checked against the start of the next.
    if (this.headerCR && stop > i) throw this.invalidByte(CR, 'header line', this.headerLine);
    for (let j = i; j < stop; j++) {
      const c = chunk[j]!;
      if ((c < 0x20 || c > 0x7e) && c !== TAB && !(c === CR && j === stop - 1)) {
        throw this.invalidByte(c, 'header line', this.headerLine);
      }
    }
    if (this.headerBytes + (stop - i) > MAX_HEADER_BYTES) {
      throw this.error(this.headerLine, 'HEADER_TOO_LONG', `header line longer than ${MAX_HEADER_BYTES} bytes`);
    }
    if (nl >= 0 && this.headerBytes === 0) {
      // Common case: the whole header is in this chunk, decode it in place.
      this.finishHeader(chunk, i, stop);
    } else {
      if (stop > i) {
        // Copy: the caller may reuse its chunk buffer once push() returns.
        this.headerParts.push(Buffer.from(chunk.subarray(i, stop)));
        this.headerBytes += stop - i;
        this.headerCR = chunk[stop - 1] === CR;
      }
      if (nl < 0) return n;
      this.finishPendingHeader();
    }
    this.lineNo++;
    this.atLineStart = true;
    return nl + 1;
  }

  private finishPendingHeader(): void {
    const h = Buffer.concat(this.headerParts, this.headerBytes);
    this.headerParts = [];
    this.headerBytes = 0;
    this.headerCR = false;
    this.finishHeader(h, 0, h.length);
  }

  /** h[start, end) is a validated header line without its '>' and LF. */
  private finishHeader(h: Buffer, start: number, end: number): void {
    const line = this.headerLine;
    if (end > start && h[end - 1] === CR) end--;
    let nameEnd = start;
    while (nameEnd < end && h[nameEnd] !== SPACE && h[nameEnd] !== TAB) nameEnd++;
    if (nameEnd === start) {
      throw this.error(line, 'EMPTY_NAME', "header has no name: expected '>name' with no space after '>'");
    }
    // Only printable ASCII and TAB get this far, so latin1 decoding is exact.
    const name = h.toString('latin1', start, nameEnd);
    let descStart = nameEnd;
    while (descStart < end && (h[descStart] === SPACE || h[descStart] === TAB)) descStart++;
    while (end > descStart && (h[end - 1] === SPACE || h[end - 1] === TAB)) end--;
    const description = descStart < end ? h.toString('latin1', descStart, end) : '';
    if (this.names !== undefined) {
      const first = this.names.get(name);
      if (first !== undefined) throw duplicateName(this.file, name, line, first);
      this.names.set(name, line);
    }
    this.state = 'body';
    this.recordLine = line;
    this.recordLen = 0;
    this.sink.recordStart(name, description, line);
  }

  private endRecord(): void {
    this.flush();
    if (this.recordLen === 0) {
      throw this.error(this.recordLine, 'EMPTY_SEQUENCE', 'record has an empty sequence');
    }
    this.sink.recordEnd();
  }

  private invalidByte(byte: number, where: string, line = this.lineNo): FastaFormatError {
    return this.error(line, 'INVALID_BYTE', `invalid byte ${hex(byte)} in ${where} (binary, non-ASCII or control character)`);
  }

  private error(line: number, cause: FastaErrorCause, message: string): FastaFormatError {
    return new FastaFormatError(this.file, line, cause, message);
  }
}

/** The error for a record name seen before in the same file (the parser's, or a caller's check). */
export function duplicateName(file: string, name: string, line: number, firstLine: number): FastaFormatError {
  return new FastaFormatError(file, line, 'DUPLICATE_NAME', `duplicate record name '${name}' (first seen on line ${firstLine})`);
}
