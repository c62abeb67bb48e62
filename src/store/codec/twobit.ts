// 2-bit nucleotide codec: A=0 C=1 G=2 T=3, four bases per byte with the first base in the high
// bits (UCSC .2bit order). Every other letter (N, IUPAC codes, U…) is packed as 0 and recorded in
// an exception run list (start, length, letter), so decoding is byte-identical to the input.
// Coordinates are 0-based, half-open throughout.

import { AcgtPacker, PACK_WINDOW } from './pack-acgt.js';
import { TwoBitUnpacker } from './unpack-twobit.js';

/** base byte → 2-bit code, or 4 for a letter that must become an exception. */
const CODE = new Uint8Array(256).fill(4);
CODE[0x41] = 0; // A
CODE[0x43] = 1; // C
CODE[0x47] = 2; // G
CODE[0x54] = 3; // T

// One packer (a WebAssembly instance with 1.3 MB of memory) and one unpacker per thread, shared by
// every encoder and decode: each uses its window only while it runs, and a store may hold
// millions of small sequences.
let packer: AcgtPacker | undefined;
const sharedPacker = (): AcgtPacker => (packer ??= new AcgtPacker());
let unpacker: TwoBitUnpacker | undefined;
const sharedUnpacker = (): TwoBitUnpacker => (unpacker ??= new TwoBitUnpacker());

/** Exception runs, columnar so they can be stored and binary-searched without objects. */
export interface ExceptionRuns {
  readonly count: number;
  readonly starts: Uint32Array;
  readonly lengths: Uint32Array;
  readonly letters: Uint8Array;
}

export const EXCEPTION_RUN_BYTES = 9; // u32 start + u32 length + u8 letter

const NO_RUNS = { starts: new Uint32Array(0), lengths: new Uint32Array(0), letters: new Uint8Array(0) };

/**
 * Growable run list used while encoding; merges adjacent equal letters into one run. Starts
 * empty: most sequences have no exception, and three typed arrays per record (a million short
 * records) cost ~2 s of allocation and GC.
 */
class RunBuilder {
  count = 0;
  starts = NO_RUNS.starts;
  lengths = NO_RUNS.lengths;
  letters = NO_RUNS.letters;

  add(pos: number, letter: number, length = 1): void {
    const last = this.count - 1;
    if (last >= 0 && this.letters[last] === letter && this.starts[last]! + this.lengths[last]! === pos) {
      this.lengths[last]! += length;
      return;
    }
    if (this.count === this.starts.length) this.grow();
    this.starts[this.count] = pos;
    this.lengths[this.count] = length;
    this.letters[this.count] = letter;
    this.count++;
  }

  private grow(): void {
    const n = Math.max(64, this.starts.length * 2);
    const s = new Uint32Array(n);
    s.set(this.starts);
    this.starts = s;
    const l = new Uint32Array(n);
    l.set(this.lengths);
    this.lengths = l;
    const c = new Uint8Array(n);
    c.set(this.letters);
    this.letters = c;
  }

  runs(): ExceptionRuns {
    return {
      count: this.count,
      starts: this.starts.subarray(0, this.count),
      lengths: this.lengths.subarray(0, this.count),
      letters: this.letters.subarray(0, this.count),
    };
  }
}

/**
 * Streaming encoder. Feed normalised (upper-case A-Z) chunks of any size; each call returns the
 * packed bytes completed so far. finish() returns the final partial byte and the exception runs.
 */
export class TwoBitEncoder {
  /** bases consumed so far */
  length = 0;
  private pending = 0; // bits of the incomplete output byte
  private pendingCount = 0; // bases in `pending`
  private readonly builder = new RunBuilder();

  get exceptionCount(): number {
    return this.builder.count;
  }

  encode(chunk: Uint8Array): Buffer {
    const out = Buffer.allocUnsafe(this.encodedBound(chunk.length));
    return out.subarray(0, this.encodeInto(chunk, out));
  }

  /** Most bytes that encode() / encodeInto() of `bases` bases can complete. */
  encodedBound(bases: number): number {
    return ((this.pendingCount + bases) >> 2) + 1;
  }

  /**
   * As encode(), into `out` (at least encodedBound(chunk.length) bytes): returns how many bytes
   * it completed. A streaming writer reuses one buffer instead of allocating per chunk.
   */
  encodeInto(chunk: Uint8Array, out: Uint8Array): number {
    const n = chunk.length;
    if (out.length < this.encodedBound(n))
      throw new RangeError(`encodeInto: output of ${out.length} bytes, need ${this.encodedBound(n)}`);
    let o = 0;
    let i = 0;
    // Finish an incomplete byte left by the previous chunk.
    while (this.pendingCount > 0 && i < n) {
      this.pending = (this.pending << 2) | this.code(chunk[i]!, this.length);
      i++;
      this.length++;
      if (++this.pendingCount === 4) {
        out[o++] = this.pending;
        this.pending = 0;
        this.pendingCount = 0;
      }
    }
    // The rest starts on a group boundary: pack it window by window (windows are whole groups).
    for (let w = i; w < n; w += PACK_WINDOW) o = this.encodeGroups(chunk.subarray(w, Math.min(n, w + PACK_WINDOW)), out, o);
    return o;
  }

  /** Encodes chunk (starting on a group boundary, at most PACK_WINDOW bases) into out from o; returns the new o. */
  private encodeGroups(chunk: Uint8Array, out: Uint8Array, o: number): number {
    const packer = sharedPacker();
    const src = packer.load(chunk);
    const n = src.length;
    let i = 0;
    let pos = this.length;
    const whole = n & ~3;
    while (i < whole) {
      // Fast path over groups of four plain ACGT bases; stops at the first group with an exception.
      const stop = packer.pack(i, whole, out, o);
      o += (stop - i) >> 2;
      pos += stop - i;
      i = stop;
      if (i < whole) {
        const b = src[i]!;
        if (CODE[b] === 4 && src[i + 1] === b && src[i + 2] === b && src[i + 3] === b) {
          // Inside a run of one exception letter (an N run): extend it over every group of four.
          let j = i + 4;
          while (j < whole && src[j] === b && src[j + 1] === b && src[j + 2] === b && src[j + 3] === b) j += 4;
          this.builder.add(pos, b, j - i);
          out.fill(0, o, o + ((j - i) >> 2));
          o += (j - i) >> 2;
          pos += j - i;
          i = j;
          continue;
        }
        out[o++] =
          (this.code(src[i]!, pos) << 6) |
          (this.code(src[i + 1]!, pos + 1) << 4) |
          (this.code(src[i + 2]!, pos + 2) << 2) |
          this.code(src[i + 3]!, pos + 3);
        i += 4;
        pos += 4;
      }
    }
    for (; i < n; i++, pos++) {
      this.pending = (this.pending << 2) | this.code(src[i]!, pos);
      this.pendingCount++;
    }
    this.length = pos;
    return o;
  }

  finish(): { tail: Buffer; runs: ExceptionRuns } {
    let tail = Buffer.alloc(0);
    if (this.pendingCount > 0) {
      tail = Buffer.from([this.pending << (2 * (4 - this.pendingCount))]);
      this.pending = 0;
      this.pendingCount = 0;
    }
    return { tail, runs: this.builder.runs() };
  }

  /** Runs recorded so far (valid until the next encode call). */
  runsSoFar(): ExceptionRuns {
    return this.builder.runs();
  }

  private code(byte: number, pos: number): number {
    const c = CODE[byte]!;
    if (c !== 4) return c;
    this.builder.add(pos, byte);
    return 0;
  }
}

/** Packed size in bytes of `length` bases (without the exception table). */
export const packedSize = (length: number): number => Math.ceil(length / 4);

/** Serialise runs: all starts (u32 LE), then all lengths (u32 LE), then all letters (u8). */
export function serialiseRuns(runs: ExceptionRuns): Buffer {
  const buf = Buffer.allocUnsafe(runs.count * EXCEPTION_RUN_BYTES);
  const n = runs.count;
  for (let i = 0; i < n; i++) {
    buf.writeUInt32LE(runs.starts[i]!, i * 4);
    buf.writeUInt32LE(runs.lengths[i]!, n * 4 + i * 4);
    buf[n * 8 + i] = runs.letters[i]!;
  }
  return buf;
}

export function deserialiseRuns(buf: Uint8Array, count: number): ExceptionRuns {
  if (buf.length !== count * EXCEPTION_RUN_BYTES) {
    throw new RangeError(`exception table is ${buf.length} bytes, expected ${count * EXCEPTION_RUN_BYTES}`);
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const starts = new Uint32Array(count);
  const lengths = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    starts[i] = view.getUint32(i * 4, true);
    lengths[i] = view.getUint32(count * 4 + i * 4, true);
  }
  const letters = Uint8Array.from(buf.subarray(count * 8, count * 9));
  return { count, starts, lengths, letters };
}

/** Index of the first run that ends after `pos` (binary search; runs are sorted, disjoint). */
export function firstRunEndingAfter(runs: ExceptionRuns, pos: number): number {
  let lo = 0;
  let hi = runs.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (runs.starts[mid]! + runs.lengths[mid]! <= pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Decode bases [start, end) given `packed`, the packed bytes beginning at byte floor(start/4)
 * and covering at least up to byte ceil(end/4). Returns an ASCII Buffer of end - start bytes.
 */
export function decodeTwoBit(packed: Uint8Array, start: number, end: number, runs: ExceptionRuns): Buffer {
  const out = Buffer.allocUnsafe(end - start);
  decodeTwoBitInto(packed, start, end, runs, out);
  return out;
}

/** decodeTwoBit into out[0, end - start) (out may be longer; the rest is left alone). */
export function decodeTwoBitInto(packed: Uint8Array, start: number, end: number, runs: ExceptionRuns, out: Uint8Array): void {
  const head = start & 3;
  const need = (head + end - start + 3) >> 2;
  if (packed.length < need) throw new RangeError(`need ${need} packed bytes, got ${packed.length}`);
  if (out.length < end - start) throw new RangeError(`need room for ${end - start} bases, got ${out.length}`);
  const bases = out.subarray(0, end - start);
  sharedUnpacker().unpack(packed, head, bases);
  for (let r = firstRunEndingAfter(runs, start); r < runs.count; r++) {
    const rs = runs.starts[r]!;
    if (rs >= end) break;
    const re = rs + runs.lengths[r]!;
    bases.fill(runs.letters[r]!, Math.max(rs, start) - start, Math.min(re, end) - start);
  }
}
