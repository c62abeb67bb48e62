// The checksum of a sequence row: every column a read depends on (digests, length, encoding,
// where the bytes are, circularity) and the checksum of its block checksums. A row whose checksum does not match
// is never served: a damaged index page cannot make the server read the wrong bytes, or the right
// bytes under the wrong length, for an id.
import { textSum } from '../checksum/block-sums.js';

export interface SequenceRowFields {
  readonly ga4gh: string;
  readonly md5: string;
  readonly length: number;
  readonly encoding: string;
  readonly packId: number;
  readonly offset: number;
  readonly byteLength: number;
  readonly exceptionCount: number;
  readonly circular: boolean;
  /** the checksum of the row's block checksums (which are read only with the bytes) */
  readonly blockSumsSum: number;
}

export function sequenceRowSum(r: SequenceRowFields): number {
  return textSum(
    `${r.ga4gh}\t${r.md5}\t${r.length}\t${r.encoding}\t${r.packId}\t${r.offset}\t${r.byteLength}\t${r.exceptionCount}\t${r.circular ? 1 : 0}\t${r.blockSumsSum}`,
  );
}
