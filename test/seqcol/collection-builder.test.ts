// SeqcolBuilder (one sequence at a time, sorted attributes handed back): the spec's A/B/C
// vector, the six compliance collections, agreement with computeSeqcol at scale, and misuse.
import t from 'tap';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SeqcolBuilder } from '../../src/seqcol/collection-builder.js';
import { computeSeqcol } from '../../src/seqcol/collection.js';
import { SPEC_LEVELS_EXAMPLE } from '../helpers/seqcol-vectors.js';

const DATA = new URL('../fixtures/seqcol/test_fasta/', import.meta.url);

interface Expected {
  level1: Record<string, string>;
  level2: { names: string[]; lengths: number[]; sequences: string[] };
  top_level_digest: string;
}

/** Feeds the builder, keeping (as ingest's staging table does) the values the sorted attributes need. */
function build(
  names: readonly string[],
  lengths: readonly number[],
  sequences: readonly string[],
): ReturnType<SeqcolBuilder['finish']> {
  const builder = new SeqcolBuilder();
  const pairDigests = names.map((name, i) => builder.add(name, lengths[i]!, sequences[i]!));
  return builder.finish([...sequences].sort(), pairDigests.sort());
}

t.test('spec "levels" example (A/B/C): every level-1 value and level 0', async (t) => {
  const { input } = SPEC_LEVELS_EXAMPLE;
  const r = build(input.names, input.lengths, input.sequences);
  t.equal(r.digest, SPEC_LEVELS_EXAMPLE.digest);
  t.strictSame(r.level1, SPEC_LEVELS_EXAMPLE.level1);
});

t.test('add returns the pair digest: sha512t24u of the canonical {length, name} object', async (t) => {
  const builder = new SeqcolBuilder();
  const want = createHash('sha512').update('{"length":1216,"name":"A"}').digest().subarray(0, 24).toString('base64url');
  t.equal(builder.add('A', 1216, 'SQ.OL3sVAcd_5IZaDxUkH-yQkLmBz2iwY0s'), want);
  t.ok(SPEC_LEVELS_EXAMPLE.sortedNameLengthPairs.includes(want), 'the spec lists it among sorted_name_length_pairs');
});

t.test('the six compliance collections: every level-1 digest and level 0', async (t) => {
  const expected = JSON.parse(readFileSync(new URL('test_fasta_digests.json', DATA), 'utf8')) as Record<string, Expected>;
  t.equal(Object.keys(expected).length, 6);
  for (const [file, want] of Object.entries(expected)) {
    const r = build(want.level2.names, want.level2.lengths, want.level2.sequences);
    t.strictSame(r.level1, want.level1, `${file}: level 1`);
    t.equal(r.digest, want.top_level_digest, `${file}: level 0`);
  }
});

t.test('agrees with computeSeqcol on 150,000 members, past every flush boundary, with names that need escaping', async (t) => {
  let x = 12345;
  const next = (): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  const odd = ['"', '\\', '\t', '\u0001', 'é', '😀', ' '];
  const names: string[] = [];
  const lengths: number[] = [];
  const sequences: string[] = [];
  for (let i = 0; i < 150_000; i++) {
    names.push(`seq_${i}${i % 997 === 0 ? odd[(next() >>> 28) % odd.length] : ''}`);
    lengths.push(i % 10_007 === 0 ? Number.MAX_SAFE_INTEGER - i : next() >>> 8);
    sequences.push(`SQ.${createHash('md5').update(String(next())).digest('base64url').slice(0, 22)}`);
  }
  const r = build(names, lengths, sequences);
  const want = computeSeqcol({ names, lengths, sequences });
  t.strictSame(r.level1, want.level1);
  t.equal(r.digest, want.digest);
});

t.test('misuse throws rather than digesting the wrong thing', async (t) => {
  const fresh = (): SeqcolBuilder => {
    const b = new SeqcolBuilder();
    b.add('a', 1, 'SQ.b');
    b.add('b', 2, 'SQ.a');
    return b;
  };
  const pairs = (b: SeqcolBuilder): string[] => [b.add('c', 3, 'SQ.c')];
  t.throws(() => fresh().finish(['SQ.b', 'SQ.a'], []), /sorted_sequences is not sorted/);
  t.throws(() => fresh().finish(['SQ.a'], []), /sorted_sequences has 1 elements for 2 sequences/);
  t.throws(() => fresh().finish(['SQ.a', 'SQ.b'], ['x']), /sorted_name_length_pairs has 1 elements for 2 sequences/);
  const b = fresh();
  t.equal(pairs(b).length, 1);
  t.throws(() => b.finish(['SQ.a', 'SQ.b', 'SQ.c'], ['y', 'x', 'z']), /sorted_name_length_pairs is not sorted/);
  t.throws(() => b.add('d', 4, 'SQ.d'), /add after finish/);
  t.throws(() => b.finish([], []), /finish called twice/);
  t.throws(() => new SeqcolBuilder().add('a', -1, 'SQ.a'), TypeError);
  t.throws(() => new SeqcolBuilder().add('a', 1.5, 'SQ.a'), TypeError);
  t.throws(() => new SeqcolBuilder().add('a', 2 ** 53, 'SQ.a'), TypeError);
});
