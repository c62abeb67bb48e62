// FASTA as an optional sequence representation (Accept: text/x-fasta). Formatting is applied
// after range selection: the header and line breaks are not counted by start/end or Range.
import type { Alias, SequenceRecord } from '../store/types.js';
import type { BlockReader } from '../store/sequence-store.js';

export const FASTA_LINE = 60;
const NL = 0x0a;

/** `>SQ.… md5:… authority:alias…` — ASCII only (anything else becomes '?'). */
export function fastaHeader(_params: { id: string }, record: SequenceRecord, aliases: readonly Alias[]): string {
  const ids = [`SQ.${record.ga4gh}`, `md5:${record.md5}`, ...aliases.map((a) => `${a.namingAuthority}:${a.alias}`)];
  return `>${ids.join(' ').replace(/[^\x20-\x7e]/g, '?')}\n`;
}

/** Bytes of `bases` bases wrapped at 60 columns, each line ending in a newline. */
export const fastaLength = (bases: number): number => bases + Math.ceil(bases / FASTA_LINE);

/** The whole FASTA body of a short sequence: lines of 60, each ending in a newline. */
export function wrapFasta(bases: Buffer): Buffer {
  const out = Buffer.allocUnsafe(fastaLength(bases.length));
  let o = 0;
  for (let i = 0; i < bases.length; i += FASTA_LINE) {
    o += bases.copy(out, o, i, Math.min(bases.length, i + FASTA_LINE));
    out[o++] = NL;
  }
  return out;
}

/** Smallest block FastaBlockReader fills: room for a base, its newline and the margin. */
export const MIN_FASTA_BLOCK = 8;

/**
 * A FASTA body as blocks (for send-blocks.ts): the header, then the bases `bases` reads wrapped
 * at 60 columns, the last line ending in a newline too. Each read() puts the bases at the end of
 * the caller's buffer and moves them forward line by line (copyWithin, no allocation), leaving
 * room for the newlines in between.
 */
export class FastaBlockReader implements BlockReader {
  private header: Buffer;
  private readonly bases: BlockReader;
  private column = 0;
  private done = false;

  constructor(header: string, bases: BlockReader) {
    this.header = Buffer.from(header, 'latin1');
    this.bases = bases;
  }

  /** target: at least MIN_FASTA_BLOCK bytes, so that every call makes progress. */
  async read(target: Buffer): Promise<number> {
    if (target.length < MIN_FASTA_BLOCK)
      throw new RangeError(`a FASTA block needs at least ${MIN_FASTA_BLOCK} bytes, got ${target.length}`);
    let o = 0;
    if (this.header.length > 0) {
      o = this.header.copy(target, 0);
      this.header = this.header.subarray(o);
      if (this.header.length > 0) return o;
    }
    if (this.done) return o;
    // Bases that fit with their newlines: b + ceil(b / 60) <= room, with a margin of two.
    const room = target.length - o;
    const want = Math.floor(((room - 2) * FASTA_LINE) / (FASTA_LINE + 1)) - 1;
    if (want <= 0) return o;
    const at = target.length - want;
    const got = await this.bases.read(target.subarray(at, at + want));
    if (got === 0) {
      this.done = true;
      if (this.column > 0) target[o++] = NL;
      return o;
    }
    // o stays behind s by at least one byte (the margin), so no base is overwritten before it moves.
    for (let s = at; s < at + got;) {
      const take = Math.min(FASTA_LINE - this.column, at + got - s);
      target.copyWithin(o, s, s + take);
      o += take;
      s += take;
      this.column += take;
      if (this.column === FASTA_LINE) {
        target[o++] = NL;
        this.column = 0;
      }
    }
    return o;
  }
}
