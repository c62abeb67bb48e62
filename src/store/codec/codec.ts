// How a sequence's bases are stored, as one interface: the store reads every encoding through
// it (sequence-store.ts `decoderOf`), so adding an encoding is a file like twobit-codec.ts plus
// its entry in CODECS (and its name in the schema's CHECK and in the writer's choice).
import type { Encoding, SequenceRecord } from '../types.js';
import { RAW_CODEC } from './raw-codec.js';
import { TWOBIT_CODEC } from './twobit-codec.js';

/** Reads stored bytes [from, to) of the record's span, checked against their block checksums. */
export type ReadStored = (from: number, to: number) => Buffer;

/** Decodes one record's bases; made per record (it may hold that record's tables). */
export interface RecordDecoder {
  /** The stored bytes [from, to) that hold bases [start, end). */
  span(start: number, end: number): [from: number, to: number];
  /** Writes bases [start, end) into out, from `stored` = the bytes of span(start, end). */
  decodeInto(stored: Uint8Array, start: number, end: number, out: Uint8Array): void;
}

export interface SequenceCodec {
  readonly encoding: Encoding;
  /** Bytes a record of this encoding stores, or -1 when the columns cannot belong together. */
  storedBytes(length: number, exceptionCount: number): number;
  /** `readStored` reads the record's own tables, if any, before this returns. */
  decoder(record: SequenceRecord, readStored: ReadStored): RecordDecoder;
}

export const CODECS: Readonly<Record<Encoding, SequenceCodec>> = { twobit: TWOBIT_CODEC, raw: RAW_CODEC };

/** The codec of an encoding name as stored; undefined for a name no codec has (a damaged row). */
export const codecOf = (encoding: string): SequenceCodec | undefined =>
  Object.hasOwn(CODECS, encoding) ? CODECS[encoding as Encoding] : undefined;
