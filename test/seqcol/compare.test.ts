// compareElements / compareCollections: the refgenie algorithm and its quirks, result shape, scale.
import t from 'tap';
import { computeSeqcol } from '../../src/seqcol/collection.js';
import { compareCollections, compareElements } from '../../src/seqcol/compare.js';

t.test('compareElements: the _compare_elements cases', async (t) => {
  t.strictSame(compareElements(['a', 'b', 'c'], ['a', 'b', 'c']), { count: 3, sameOrder: true }, 'identical');
  t.strictSame(compareElements(['a', 'b', 'c'], ['c', 'b', 'a']), { count: 3, sameOrder: false }, 'reordered');
  t.strictSame(compareElements(['a', 'b'], ['x', 'y']), { count: 0, sameOrder: null }, 'no overlap → null');
  t.strictSame(compareElements([], []), { count: 0, sameOrder: null }, 'both empty → null');
  t.strictSame(compareElements(['a', 'b'], ['a', 'y']), { count: 1, sameOrder: true }, 'ONE overlap → true (fixture quirk)');
  t.strictSame(compareElements(['a', 'x', 'b', 'c'], ['b', 'c', 'y']), { count: 2, sameOrder: true }, 'subsequence in order');
  t.strictSame(compareElements(['a', 'x', 'b', 'c'], ['c', 'b']), { count: 2, sameOrder: false }, 'subsequence out of order');
  t.strictSame(compareElements([8, 4, 4], [8, 4]), { count: 2, sameOrder: null }, 'unbalanced duplicates → null');
  t.strictSame(compareElements([4, 4], [4, 4]), { count: 2, sameOrder: true }, 'balanced duplicates');
  t.strictSame(compareElements([4, 8, 4], [4, 4, 8]), { count: 3, sameOrder: false }, 'balanced duplicates reordered');
});

t.test('compareElements compares by value, objects by content', async (t) => {
  t.strictSame(
    compareElements(
      [
        { name: 'a', length: 1 },
        { name: 'b', length: 2 },
      ],
      [
        { length: 1, name: 'a' },
        { length: 2, name: 'b' },
      ],
    ),
    { count: 2, sameOrder: true },
    'key order of pair objects does not matter',
  );
  t.strictSame(compareElements([{ name: 'a', length: 1 }], [{ name: 'a', length: 2 }]), { count: 0, sameOrder: null });
  t.strictSame(compareElements(['1', '2'], [1, 2]), { count: 0, sameOrder: null }, 'string "1" is not number 1');
  t.strictSame(compareElements([1, 2], [1.0, 2]), { count: 2, sameOrder: true });
  t.strictSame(compareElements([0, 1], [-0, 1]), { count: 2, sameOrder: true }, '-0 equals 0, as in JCS');
  t.strictSame(compareElements(['a', 1, { x: [1] }], [{ x: [1] }, 1, 'a']), { count: 3, sameOrder: false }, 'mixed arrays');
  t.strictSame(compareElements(['a', 'b'], ['a', 'b', 2]), { count: 2, sameOrder: true }, 'strings vs mixed');
});

t.test('compareCollections: shape, alphabetical lists, a_only / b_only', async (t) => {
  const a = { digest: 'A', level2: { names: ['x', 'y'], lengths: [1, 2], zeta: ['q'], author: 'me' } };
  const b = { digest: null, level2: { sequences: ['SQ.1'], names: ['y', 'x'], alpha: [], lengths: [1, 2] } };
  const r = compareCollections(a, b);
  t.strictSame(r, {
    digests: { a: 'A', b: null },
    attributes: { a_only: ['author', 'zeta'], b_only: ['alpha', 'sequences'], a_and_b: ['lengths', 'names'] },
    array_elements: {
      a_count: { lengths: 2, names: 2, zeta: 1 },
      b_count: { alpha: 0, lengths: 2, names: 2, sequences: 1 },
      a_and_b_count: { lengths: 2, names: 2 },
      a_and_b_same_order: { lengths: true, names: false },
    },
  });
  t.strictSame(Object.keys(r.array_elements.b_count), ['alpha', 'lengths', 'names', 'sequences'], 'count keys in order');
});

t.test('compareCollections on computed collections never shows the transient attribute', async (t) => {
  const a = computeSeqcol({ names: ['a', 'b'], lengths: [1, 2], sequences: ['SQ.x', 'SQ.y'] });
  const r = compareCollections(a, a);
  t.strictSame(r.attributes.a_and_b, ['lengths', 'name_length_pairs', 'names', 'sequences', 'sorted_sequences']);
  t.notOk(JSON.stringify(r).includes('sorted_name_length_pairs'));
  t.ok(Object.values(r.array_elements.a_and_b_same_order).every((v) => v === true));
});

t.test('a client attribute named "__proto__" is an ordinary key', async (t) => {
  const posted = JSON.parse('{"__proto__":["x"],"names":["a"]}') as Record<string, unknown>;
  const r = compareCollections({ digest: 'A', level2: { names: ['a'] } }, { digest: null, level2: posted });
  t.strictSame(r.attributes.b_only, ['__proto__']);
  t.ok(Object.hasOwn(r.array_elements.b_count, '__proto__'));
  t.equal(r.array_elements.b_count['__proto__'], 1);
  t.equal(Object.getPrototypeOf(r.array_elements.b_count), Object.prototype);
});

t.test('10,000-element collections compare correctly', async (t) => {
  const n = 10_000;
  const ids = Array.from({ length: n }, (_, i) => `SQ.${i.toString(36).padStart(32, '0')}`);
  const a = computeSeqcol({
    names: ids.map((_, i) => `chr${i}`),
    lengths: ids.map((_, i) => i + 1),
    sequences: ids,
  });
  // b: a's second half, then a's first half (rotation), with one name renamed.
  const rot = (xs: readonly unknown[]): unknown[] => [...xs.slice(n / 2), ...xs.slice(0, n / 2)];
  const bNames = rot(a.level2.names) as string[];
  bNames[0] = 'renamed';
  const b = computeSeqcol({
    names: bNames,
    lengths: rot(a.level2.lengths) as number[],
    sequences: rot(a.level2.sequences) as string[],
  });
  const started = performance.now();
  const r = compareCollections(a, b);
  t.comment(`compareCollections(10,000) took ${(performance.now() - started).toFixed(1)} ms`);
  t.equal(r.array_elements.a_and_b_count['sequences'], n);
  t.equal(r.array_elements.a_and_b_same_order['sequences'], false, 'rotated');
  t.equal(r.array_elements.a_and_b_count['names'], n - 1);
  t.equal(r.array_elements.a_and_b_count['name_length_pairs'], n - 1);
  t.equal(r.array_elements.a_and_b_count['sorted_sequences'], n);
  t.equal(r.array_elements.a_and_b_same_order['sorted_sequences'], true);

  // A prefix of a, in order: all of b is in a, in the same order.
  const half = compareCollections(a, {
    digest: null,
    level2: { names: a.level2.names.slice(0, n / 2), sequences: a.level2.sequences.slice(0, n / 2) },
  });
  t.strictSame(half.array_elements.a_and_b_count, { names: n / 2, sequences: n / 2 });
  t.strictSame(half.array_elements.a_and_b_same_order, { names: true, sequences: true });
  t.strictSame(half.attributes.a_only, ['lengths', 'name_length_pairs', 'sorted_sequences']);
});
