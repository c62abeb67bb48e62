// Writes one normalised sequence into a pack, choosing its encoding: 2-bit with exception runs
// for nucleotides, raw bytes when exceptions would make 2-bit larger (protein, IUPAC-heavy).
// Large sequences stream: the choice is made on a probe (the first block) and revised to raw,
// by transcoding what was written, if exception runs grow past a bound that keeps memory small.
import { openSync, closeSync, writeSync, readSync, unlinkSync } from 'node:fs';
import type { PackWriter } from './pack/pack-writer.js';
import type { Encoding } from './types.js';
import { TwoBitEncoder, decodeTwoBit, serialiseRuns, packedSize, EXCEPTION_RUN_BYTES } from './codec/twobit.js';

export interface WrittenSequence {
  readonly encoding: Encoding;
  readonly packId: number;
  readonly offset: number;
  readonly byteLength: number;
  readonly exceptionCount: number;
  readonly length: number;
  /** the block checksums of the stored bytes (checksum/block-sums.ts) */
  readonly blockSums: Buffer;
}

/** Streaming 2-bit stays only while runs <= bases/64: at most ~0.39 bytes/base, runs ≤ 14% of input. */
const MAX_RUNS_PER_BASE = 1 / 64;
const TRANSCODE_WINDOW = 4 << 20;

/**
 * True when 2-bit (packed bases + 9 bytes per exception run) would be smaller than raw. Counts
 * runs and gives up as soon as they make 2-bit lose, so a protein costs a few bytes of scanning.
 */
export function twoBitIsSmaller(bases: Uint8Array): boolean {
  const budget = (bases.length - packedSize(bases.length)) / EXCEPTION_RUN_BYTES;
  let runs = 0;
  for (let i = 0; i < bases.length; i++) {
    const b = bases[i]!;
    if (b === 0x41 || b === 0x43 || b === 0x47 || b === 0x54) continue;
    // A run is a maximal stretch of one exception letter.
    if (i === 0 || bases[i - 1] !== b) {
      if (++runs >= budget) return false;
    }
  }
  return runs < budget;
}

/** Writes a sequence that is wholly in memory, choosing the smaller encoding exactly. */
export function writeWholeSequence(pack: PackWriter, bases: Uint8Array): WrittenSequence {
  const offset = pack.position;
  pack.beginSpan();
  if (!twoBitIsSmaller(bases)) {
    pack.write(bases);
    return {
      encoding: 'raw',
      packId: pack.packId,
      offset,
      byteLength: bases.length,
      exceptionCount: 0,
      length: bases.length,
      blockSums: pack.endSpan(),
    };
  }
  const encoder = new TwoBitEncoder();
  const body = encoder.encode(bases);
  const { tail, runs } = encoder.finish();
  pack.write(body);
  pack.write(tail);
  pack.write(serialiseRuns(runs));
  const byteLength = packedSize(bases.length) + runs.count * EXCEPTION_RUN_BYTES;
  return {
    encoding: 'twobit',
    packId: pack.packId,
    offset,
    byteLength,
    exceptionCount: runs.count,
    length: bases.length,
    blockSums: pack.endSpan(),
  };
}

/** Streams a sequence too large to hold: begin with the first block, write the rest, finish. */
export class StreamingSequenceWriter {
  private readonly pack: PackWriter;
  private readonly offset: number;
  private encoder: TwoBitEncoder | undefined;
  private length = 0;
  /** Reused for each chunk's packed bytes (the pack copies or writes them at once). */
  private packed = Buffer.allocUnsafe(0);

  constructor(pack: PackWriter, probe: Uint8Array) {
    this.pack = pack;
    this.offset = pack.position;
    pack.beginSpan();
    this.encoder = new TwoBitEncoder();
    this.write(probe);
  }

  write(chunk: Uint8Array): void {
    this.length += chunk.length;
    if (this.encoder === undefined) {
      this.pack.write(chunk);
      return;
    }
    const bound = this.encoder.encodedBound(chunk.length);
    if (this.packed.length < bound) this.packed = Buffer.allocUnsafe(bound);
    this.pack.write(this.packed.subarray(0, this.encoder.encodeInto(chunk, this.packed)));
    if (this.encoder.exceptionCount > this.length * MAX_RUNS_PER_BASE + 1) this.transcodeToRaw();
  }

  finish(): WrittenSequence {
    const base = { packId: this.pack.packId, offset: this.offset, length: this.length };
    if (this.encoder === undefined) {
      return { ...base, encoding: 'raw', byteLength: this.length, exceptionCount: 0, blockSums: this.pack.endSpan() };
    }
    const { tail, runs } = this.encoder.finish();
    this.pack.write(tail);
    this.pack.write(serialiseRuns(runs));
    return {
      ...base,
      encoding: 'twobit',
      byteLength: this.pack.position - this.offset,
      exceptionCount: runs.count,
      blockSums: this.pack.endSpan(),
    };
  }

  /** Give back the bytes (the sequence turned out to be stored already). */
  discard(): void {
    this.pack.truncate(this.offset);
  }

  /** Rewrite what was packed so far as raw bytes, via a temp file so memory stays bounded. */
  private transcodeToRaw(): void {
    const encoder = this.encoder!;
    const { tail, runs } = encoder.finish();
    this.pack.write(tail);
    const bases = this.length;
    const tmpPath = `${this.pack.path}.transcode`;
    const tmp = openSync(tmpPath, 'w+');
    try {
      for (let s = 0; s < bases; s += TRANSCODE_WINDOW) {
        const e = Math.min(bases, s + TRANSCODE_WINDOW);
        const packed = this.pack.readAt(this.offset + (s >> 2), packedSize(e) - (s >> 2));
        const text = decodeTwoBit(packed, s, e, runs);
        writeSync(tmp, text, 0, text.length, s);
      }
      this.pack.truncate(this.offset);
      const buf = Buffer.allocUnsafe(TRANSCODE_WINDOW);
      for (let s = 0; s < bases; s += TRANSCODE_WINDOW) {
        const n = readSync(tmp, buf, 0, Math.min(TRANSCODE_WINDOW, bases - s), s);
        this.pack.write(buf.subarray(0, n));
      }
    } finally {
      closeSync(tmp);
      unlinkSync(tmpPath);
    }
    this.encoder = undefined;
  }
}
