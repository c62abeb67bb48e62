// `refget digest FILE`: the seqcol digest of a FASTA file, computed without touching any store.
import { createHash, type Hash } from 'node:crypto';
import { GA4GH_PREFIX } from '../checksum/digests.js';
import type { FastaSink } from '../fasta/parser.js';
import { openFastaInput, parseFastaInput } from '../fasta/open-input.js';
import { computeSeqcol } from '../seqcol/collection.js';

class DigestSink implements FastaSink {
  readonly names: string[] = [];
  readonly lengths: number[] = [];
  readonly sequences: string[] = [];
  private hash: Hash | undefined;
  private length = 0;

  recordStart(name: string): void {
    this.names.push(name);
    this.hash = createHash('sha512');
    this.length = 0;
  }

  sequence(chunk: Buffer): void {
    this.hash!.update(chunk);
    this.length += chunk.length;
  }

  recordEnd(): void {
    this.lengths.push(this.length);
    this.sequences.push(GA4GH_PREFIX + this.hash!.digest().subarray(0, 24).toString('base64url'));
  }
}

export async function runDigest(path: string, level: 0 | 1): Promise<string> {
  const input = await openFastaInput(path);
  const sink = new DigestSink();
  await parseFastaInput(input, sink);
  const seqcol = computeSeqcol({ names: sink.names, lengths: sink.lengths, sequences: sink.sequences });
  return level === 0 ? seqcol.digest : JSON.stringify(seqcol.level1, null, 2);
}
