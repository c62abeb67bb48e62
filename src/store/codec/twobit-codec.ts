// 2-bit encoding (twobit.ts): four bases per byte, then the exception table (runs of letters
// other than A/C/G/T) after the packed bytes. A record's decoder holds its exception runs.
import type { SequenceCodec } from './codec.js';
import { decodeTwoBitInto, deserialiseRuns, packedSize, EXCEPTION_RUN_BYTES, type ExceptionRuns } from './twobit.js';

export const TWOBIT_CODEC: SequenceCodec = {
  encoding: 'twobit',
  storedBytes: (length, exceptionCount) => packedSize(length) + exceptionCount * EXCEPTION_RUN_BYTES,
  decoder(record, readStored) {
    const runs: ExceptionRuns = deserialiseRuns(readStored(packedSize(record.length), record.byteLength), record.exceptionCount);
    return {
      span: (start, end) => [start >> 2, packedSize(end)],
      decodeInto: (stored, start, end, out) => decodeTwoBitInto(stored, start, end, runs, out),
    };
  },
};
