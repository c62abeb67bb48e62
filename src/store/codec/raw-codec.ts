// Raw encoding: one stored byte per residue (proteins, and nucleotide sequences that 2-bit
// would not make smaller). Bases [start, end) are stored bytes [start, end).
import type { RecordDecoder, SequenceCodec } from './codec.js';

const RAW_DECODER: RecordDecoder = {
  span: (start, end) => [start, end],
  decodeInto: (stored, start, end, out) => out.set(stored.subarray(0, end - start)),
};

export const RAW_CODEC: SequenceCodec = {
  encoding: 'raw',
  storedBytes: (length, exceptionCount) => (exceptionCount === 0 ? length : -1),
  decoder: () => RAW_DECODER,
};
