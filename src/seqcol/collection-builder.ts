// Seqcol level-0 and level-1 digests of a collection built one sequence at a time, for ingest:
// memory stays constant however many records a file has. The collated attributes are hashed as
// their canonical JSON streams by; the two sorted ones need every element first, so the caller
// keeps them (ingest stages them in SQLite, which sorts on disk) and hands them back sorted.
import { createHash, type Hash } from 'node:crypto';
import { sha512t24u } from '../checksum/digests.js';
import { topLevelDigest, type Level1 } from './collection.js';

/** Canonical JSON is handed to the hash in pieces of about this many characters. */
const FLUSH_CHARS = 1 << 16;

/** sha512t24u of a JSON array whose elements arrive one (already canonical) JSON text at a time. */
class ArrayDigest {
  private readonly hash: Hash = createHash('sha512');
  private pending = '[';
  private count = 0;

  add(json: string): void {
    this.pending += this.count++ === 0 ? json : `,${json}`;
    if (this.pending.length >= FLUSH_CHARS) {
      this.hash.update(this.pending);
      this.pending = '';
    }
  }

  get length(): number {
    return this.count;
  }

  digest(): string {
    this.hash.update(`${this.pending}]`);
    // 24 bytes are exactly 32 base64url characters: the prefix of the full encoding (digests.ts).
    return this.hash.digest('base64url').slice(0, 32);
  }
}

export class SeqcolBuilder {
  private readonly names = new ArrayDigest();
  private readonly lengths = new ArrayDigest();
  private readonly sequences = new ArrayDigest();
  private readonly pairs = new ArrayDigest();
  private finished = false;

  /** Sequences added so far. */
  get count(): number {
    return this.names.length;
  }

  /**
   * Adds the next sequence. `sequence` is its refget id with the `SQ.` prefix. Returns the digest
   * of its `{name, length}` pair: the element of sorted_name_length_pairs the caller must keep.
   */
  add(name: string, length: number, sequence: string): string {
    if (this.finished) throw new Error('SeqcolBuilder: add after finish');
    if (typeof name !== 'string' || typeof sequence !== 'string')
      throw new TypeError('SeqcolBuilder: name and sequence must be strings');
    if (!Number.isSafeInteger(length) || length < 0)
      throw new TypeError(`SeqcolBuilder: length ${length} must be a non-negative integer`);
    // JCS of a string and of a safe integer is exactly what JSON.stringify prints (canonical-json.ts).
    const nameJson = JSON.stringify(name);
    const lengthJson = JSON.stringify(length);
    const pairJson = `{"length":${lengthJson},"name":${nameJson}}`;
    this.names.add(nameJson);
    this.lengths.add(lengthJson);
    this.sequences.add(JSON.stringify(sequence));
    this.pairs.add(pairJson);
    return sha512t24u(pairJson);
  }

  /**
   * Level 0 and level 1, given every sequence id and every pair digest returned by add(), each
   * sorted by UTF-16 code unit (for these ASCII strings the same as byte order, e.g. SQLite's
   * BINARY collation). Throws if either is out of order or not one element per sequence: a wrong
   * order would give a valid-looking wrong digest. Consumes the two iterables one after the other.
   */
  finish(sortedSequences: Iterable<string>, sortedPairDigests: Iterable<string>): { digest: string; level1: Level1 } {
    if (this.finished) throw new Error('SeqcolBuilder: finish called twice');
    this.finished = true;
    const sorted_sequences = sortedDigest(sortedSequences, this.count, 'sorted_sequences');
    const sorted_name_length_pairs = sortedDigest(sortedPairDigests, this.count, 'sorted_name_length_pairs');
    const level1: Level1 = {
      lengths: this.lengths.digest(),
      names: this.names.digest(),
      sequences: this.sequences.digest(),
      sorted_sequences,
      name_length_pairs: this.pairs.digest(),
      sorted_name_length_pairs,
    };
    return { digest: topLevelDigest(level1), level1 };
  }
}

function sortedDigest(values: Iterable<string>, expected: number, what: string): string {
  const array = new ArrayDigest();
  let previous: string | undefined;
  for (const value of values) {
    if (previous !== undefined && value < previous) throw new Error(`SeqcolBuilder: ${what} is not sorted`);
    array.add(JSON.stringify(value));
    previous = value;
  }
  if (array.length !== expected) throw new Error(`SeqcolBuilder: ${what} has ${array.length} elements for ${expected} sequences`);
  return array.digest();
}
