// Plain data the store hands out. Coordinates are 0-based, half-open.

export type Encoding = 'twobit' | 'raw';

export interface SequenceRecord {
  /** internal row id; never shown to clients */
  readonly rowId: number;
  /** sha512t24u digest, without the 'SQ.' prefix */
  readonly ga4gh: string;
  readonly md5: string;
  readonly length: number;
  readonly circular: boolean;
  readonly encoding: Encoding;
  readonly packId: number;
  readonly offset: number;
  readonly byteLength: number;
  readonly exceptionCount: number;
  /** checksum of the row's block checksums (the blob is read, and checked against it, with the bytes) */
  readonly blockSumsSum: number;
}

export interface Alias {
  readonly namingAuthority: string;
  readonly alias: string;
  /** ids of the collections whose ingest added it: who may see one of them may see the alias */
  readonly sources: readonly number[];
}

/** A lookup by identifier. An alias may name several sequences. */
export type SequenceLookup =
  { kind: 'md5'; md5: string } | { kind: 'ga4gh'; digest: string } | { kind: 'alias'; namingAuthority: string; alias: string };
