// FASTA as an optional sequence representation (Accept: text/x-fasta). Formatting is applied
// after range selection: the header and line breaks are not counted by start/end or Range.
import { Transform, type TransformCallback } from 'node:stream';
import type { Alias, SequenceRecord } from '../store/types.js';

export const FASTA_LINE = 60;
const NL = 0x0a;

/** `>SQ.… md5:… authority:alias…` — ASCII only (anything else becomes '?'). */
export function fastaHeader(_params: { id: string }, record: SequenceRecord, aliases: readonly Alias[]): string {
  const ids = [`SQ.${record.ga4gh}`, `md5:${record.md5}`, ...aliases.map((a) => `${a.namingAuthority}:${a.alias}`)];
  return `>${ids.join(' ').replace(/[^\x20-\x7e]/g, '?')}\n`;
}

/** Bytes of `bases` bases wrapped at 60 columns, each line ending in a newline. */
export const fastaLength = (bases: number): number => bases + Math.ceil(bases / FASTA_LINE);

export class FastaLineWrapper extends Transform {
  private column = 0;

  static wrapAll(bases: Buffer): Buffer {
    const w = new FastaLineWrapper();
    const body = w.wrapChunk(bases);
    return w.column > 0 ? Buffer.concat([body, Buffer.from('\n')]) : body;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    done(null, this.wrapChunk(chunk));
  }

  override _flush(done: TransformCallback): void {
    done(null, this.column > 0 ? Buffer.from('\n') : undefined);
  }

  private wrapChunk(chunk: Buffer): Buffer {
    const out = Buffer.allocUnsafe(chunk.length + Math.ceil((chunk.length + this.column) / FASTA_LINE));
    let o = 0;
    let i = 0;
    while (i < chunk.length) {
      const take = Math.min(FASTA_LINE - this.column, chunk.length - i);
      o += chunk.copy(out, o, i, i + take);
      i += take;
      this.column += take;
      if (this.column === FASTA_LINE) {
        out[o++] = NL;
        this.column = 0;
      }
    }
    return out.subarray(0, o);
  }
}
