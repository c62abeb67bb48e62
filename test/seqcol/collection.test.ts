// computeSeqcol / digestLevel2 / validateLevel2: the spec's §3.2 vectors, input checks, scale.
import t from 'tap';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../src/seqcol/canonical-json.js';
import {
  INHERENT,
  LEVEL2_ATTRIBUTES,
  TRANSIENT,
  attributeDigest,
  computeSeqcol,
  digestLevel2,
  validateLevel2,
} from '../../src/seqcol/collection.js';
import { SPEC_LEVELS_EXAMPLE } from '../helpers/seqcol-vectors.js';

t.test('spec §2 example → sjNNwm4zov3Dl0FRWbRTcZwzqrTQKIqL', async (t) => {
  const r = computeSeqcol({
    lengths: [248956422, 242193529, 198295559],
    names: ['chr1', 'chr2', 'chr3'],
    sequences: [
      'SQ.2YnepKM7OkBoOrKmvHbGqguVfF9amCST',
      'SQ.lwDyBi432Py-7xnAISyQlnlhWDEaBPv2',
      'SQ.Eqk6_SvMMDCc6C-uEfickOUWTatLMDQZ',
    ],
  });
  t.equal(r.level1.lengths, '5K4odB173rjao1Cnbk5BnvLt9V7aPAa2');
  t.equal(r.level1.names, 'g04lKdxiYtG3dOGeUC5AdKEifw65G0Wp');
  t.equal(r.level1.sequences, 'rD29ZKmEqwwHRXjiQ36p6UMZQ5hemmsb');
  t.equal(r.digest, 'sjNNwm4zov3Dl0FRWbRTcZwzqrTQKIqL');
  t.not(r.digest, '_o76wQfpeS1QHlQkoW9V3-X9fsA1s3t1', 'lengths is not inherent');
});

t.test('spec "levels" example (A/B/C): every level-1 value', async (t) => {
  const { input } = SPEC_LEVELS_EXAMPLE;
  const r = computeSeqcol({ lengths: [...input.lengths], names: [...input.names], sequences: [...input.sequences] });
  t.equal(r.digest, SPEC_LEVELS_EXAMPLE.digest);
  t.strictSame(r.level1, SPEC_LEVELS_EXAMPLE.level1);
  t.strictSame(r.sortedNameLengthPairs, SPEC_LEVELS_EXAMPLE.sortedNameLengthPairs);
  t.strictSame(r.level2, {
    lengths: input.lengths,
    names: input.names,
    sequences: input.sequences,
    sorted_sequences: [
      'SQ.DA-GLdXVihnYKs-fBS5MMgqMi7tVMJbt',
      'SQ.OL3sVAcd_5IZaDxUkH-yQkLmBz2iwY0s',
      'SQ.kny8cdhEEPHXoNlXmps8NQapGtUKZlM9',
    ],
    name_length_pairs: [
      { name: 'A', length: 1216 },
      { name: 'B', length: 970 },
      { name: 'C', length: 1788 },
    ],
  });
  t.notOk('sorted_name_length_pairs' in r.level2, 'transient attribute absent from level 2');
  t.strictSame(Object.keys(r.level2).sort(), [...LEVEL2_ATTRIBUTES]);
});

t.test('how-to example → KxZO6qIbVNCIKtQj0WR3fwzg2rsJLlC3', async (t) => {
  const r = computeSeqcol({
    lengths: [248956422, 133797422, 135086622],
    names: ['chr1', 'chr2', 'chr3'],
    sequences: [
      'SQ.2648ae1bacce4ec4b6cf337dcae37816',
      'SQ.907112d17fcb73bcab1ed1c72b97ce68',
      'SQ.1511375dc2dd1b633af8cf439ae90cec',
    ],
  });
  t.equal(r.digest, 'KxZO6qIbVNCIKtQj0WR3fwzg2rsJLlC3');
});

t.test('ADR 2023-01-12 historical example: level 0 over a given level-1 object', async (t) => {
  t.equal(
    attributeDigest({
      lengths: '5K4odB173rjao1Cnbk5BnvLt9V7aPAa2',
      names: 'g04lKdxiYtG3dOGeUC5AdKEifw65G0Wp',
      sequences: 'EiYgJtUfGyad7wf5atL5OG4Fkzohp2qe',
    }),
    'S3LCyI788LE6vq89Tc_LojEcsMZRixzP',
  );
});

t.test('qualifier constants', async (t) => {
  t.strictSame([...INHERENT], ['names', 'sequences']);
  t.strictSame([...TRANSIENT], ['sorted_name_length_pairs']);
});

t.test('computeSeqcol does not alias the caller arrays', async (t) => {
  const input = { names: ['b', 'a'], lengths: [1, 2], sequences: ['SQ.y', 'SQ.x'] };
  const r = computeSeqcol(input);
  input.names.push('c');
  input.sequences[0] = 'SQ.z';
  t.strictSame(r.level2.names, ['b', 'a']);
  t.strictSame(r.level2.sequences, ['SQ.y', 'SQ.x']);
  t.strictSame(r.level2.sorted_sequences, ['SQ.x', 'SQ.y']);
});

t.test('empty collection', async (t) => {
  const r = computeSeqcol({ names: [], lengths: [], sequences: [] });
  t.equal(r.level1.names, attributeDigest([]));
  t.equal(r.level1.sorted_name_length_pairs, attributeDigest([]));
  t.equal(r.digest, attributeDigest({ names: attributeDigest([]), sequences: attributeDigest([]) }));
});

t.test('computeSeqcol rejects malformed input', async (t) => {
  t.throws(() => computeSeqcol({ names: ['a', 'b'], lengths: [1], sequences: ['SQ.x', 'SQ.y'] }), TypeError);
  t.throws(() => computeSeqcol({ names: ['a'], lengths: [-1], sequences: ['SQ.x'] }), TypeError);
  t.throws(() => computeSeqcol({ names: ['a'], lengths: [1.5], sequences: ['SQ.x'] }), TypeError);
  t.throws(() => computeSeqcol({ names: [1 as unknown as string], lengths: [1], sequences: ['SQ.x'] }), TypeError);
  t.throws(
    () => computeSeqcol({ names: ['a'], lengths: [1] } as unknown as Parameters<typeof computeSeqcol>[0]),
    /"sequences" must be an array/,
  );
});

t.test('digestLevel2 matches computeSeqcol for a full level 2', async (t) => {
  const r = computeSeqcol({ names: ['chrX', 'chr1'], lengths: [8, 4], sequences: ['SQ.a', 'SQ.b'] });
  // A JSON round trip, as for a POSTed body (and the pair objects' key order changes nothing).
  const posted = JSON.parse(JSON.stringify(r.level2)) as Record<string, unknown>;
  const d = digestLevel2(posted);
  t.equal(d.digest, r.digest);
  const { sorted_name_length_pairs: _transient, ...servedLevel1 } = r.level1;
  t.strictSame(d.level1, servedLevel1, 'level 1 for exactly the attributes present');
});

t.test('digestLevel2 with partial or extra attributes', async (t) => {
  const d = digestLevel2({ names: ['a'], lengths: [1], topology: ['linear'], author: 'me' });
  t.equal(d.digest, null, 'no sequences → level 0 undefined');
  t.strictSame(Object.keys(d.level1).sort(), ['lengths', 'names', 'topology'], 'non-array values skipped');
  t.equal(d.level1['topology'], attributeDigest(['linear']));
  const withProto = digestLevel2(JSON.parse('{"__proto__":["x"],"names":[],"sequences":[]}') as Record<string, unknown>);
  t.ok(Object.hasOwn(withProto.level1, '__proto__'), '"__proto__" stays an ordinary own key');
  t.equal(Object.getPrototypeOf(withProto.level1), Object.prototype);
  t.type(withProto.digest, 'string');
});

t.test('validateLevel2 accepts valid bodies', async (t) => {
  const full = computeSeqcol({ names: ['a', 'b'], lengths: [1, 0], sequences: ['SQ.x', 'SQ.y'] }).level2;
  const ok = validateLevel2(JSON.parse(JSON.stringify(full)));
  t.ok(ok.ok);
  if (ok.ok) t.strictSame(ok.level2, full);
  t.ok(validateLevel2({ names: ['a'], lengths: [5] }).ok, 'a coordinate system alone is comparable');
  t.ok(validateLevel2({ names: [], lengths: [], sequences: [] }).ok, 'empty collection');
  t.ok(validateLevel2({ names: ['a'], topologies: ['circular', 'linear'] }).ok, 'unknown attributes are not checked');
  t.ok(validateLevel2({ sorted_sequences: ['SQ.a', 'SQ.b'], names: ['x'] }).ok, 'sorted_sequences is not collated');
});

t.test('validateLevel2 error cases', async (t) => {
  const bad = (body: unknown, pattern: RegExp, what: string): void => {
    const r = validateLevel2(body);
    t.equal(r.ok, false, what);
    if (!r.ok) t.match(r.error, pattern, what);
  };
  bad(null, /JSON object/, 'null');
  bad([], /JSON object/, 'array');
  bad('names', /JSON object/, 'string');
  bad(42, /JSON object/, 'number');
  bad({}, /no attributes/, 'empty object');
  bad({ names: 'chr1' }, /"names" must be an array/, 'names not an array');
  bad({ names: ['a', 2] }, /"names" element 1 must be a string/, 'non-string name');
  bad({ lengths: [1, -1] }, /"lengths" element 1 must be a non-negative integer/, 'negative length');
  bad({ lengths: [1.5] }, /"lengths" element 0 must be a non-negative integer/, 'fractional length');
  bad({ lengths: ['8'] }, /"lengths" element 0/, 'string length');
  bad({ lengths: [2 ** 53] }, /"lengths" element 0/, 'unsafe integer length');
  bad({ sequences: [null] }, /"sequences" element 0 must be a string/, 'null sequence');
  bad({ sorted_sequences: [{}] }, /"sorted_sequences" element 0/, 'object in sorted_sequences');
  bad({ name_length_pairs: [{ name: 'a' }] }, /"name_length_pairs" element 0 must be an object/, 'pair without length');
  bad({ name_length_pairs: [['a', 1]] }, /"name_length_pairs" element 0/, 'pair as array');
  bad(
    { names: ['a', 'b'], lengths: [1] },
    /same number of elements: "names" has 2, "lengths" has 1/,
    'collated attributes differ in length',
  );
  bad(
    { names: ['a'], lengths: [1], sequences: ['SQ.x'], name_length_pairs: [] },
    /"name_length_pairs" has 0/,
    'name_length_pairs is collated too',
  );
});

/** A deterministic pseudo-random SQ id, without hashing a real sequence. */
function fakeSequenceId(i: number): string {
  return `SQ.${createHash('sha512').update(`seq${i}`).digest().subarray(0, 24).toString('base64url')}`;
}

t.test('10,000 sequences: correct and consistent', async (t) => {
  const n = 10_000;
  const names = Array.from({ length: n }, (_, i) => `contig_${i}`);
  const lengths = Array.from({ length: n }, (_, i) => (i * 7919) % 1_000_003);
  const sequences = Array.from({ length: n }, (_, i) => fakeSequenceId(i));
  let started = performance.now();
  const r = computeSeqcol({ names, lengths, sequences });
  t.comment(`computeSeqcol(10,000) took ${(performance.now() - started).toFixed(1)} ms cold`);
  started = performance.now();
  t.equal(computeSeqcol({ names, lengths, sequences }).digest, r.digest, 'deterministic');
  t.comment(`computeSeqcol(10,000) took ${(performance.now() - started).toFixed(1)} ms warm`);

  t.equal(r.level2.name_length_pairs.length, n);
  t.equal(r.sortedNameLengthPairs.length, n);
  t.equal(r.level1.names, attributeDigest(names));
  t.equal(r.level1.lengths, attributeDigest(lengths));
  t.equal(r.level1.sequences, attributeDigest(sequences));
  t.equal(r.digest, attributeDigest({ names: r.level1.names, sequences: r.level1.sequences }));
  // The fast per-pair digest equals the generic canonical-JSON one.
  t.equal(r.level1.name_length_pairs, attributeDigest(names.map((name, i) => ({ length: lengths[i], name }))));
  const generic = names.map((name, i) => attributeDigest({ name, length: lengths[i] })).sort();
  t.strictSame(r.sortedNameLengthPairs, generic);
  t.equal(r.level1.sorted_name_length_pairs, attributeDigest(generic));
  t.strictSame(r.level2.sorted_sequences, [...sequences].sort());

  // Reordering changes level 0 but not the order-free attributes.
  const reversed = computeSeqcol({
    names: [...names].reverse(),
    lengths: [...lengths].reverse(),
    sequences: [...sequences].reverse(),
  });
  t.not(reversed.digest, r.digest);
  t.equal(reversed.level1.sorted_name_length_pairs, r.level1.sorted_name_length_pairs);
  t.equal(reversed.level1.sorted_sequences, r.level1.sorted_sequences);
  t.equal(canonicalJson(digestLevel2(r.level2).level1['sequences']), JSON.stringify(r.level1.sequences));
});
