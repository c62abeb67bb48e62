// Seqcol comparison (spec §3.4): the refgenie `_compare_elements` algorithm the compliance fixtures encode.
import { canonicalJson } from './canonical-json.js';
import type { Level2 } from './collection.js';

/** One side of a comparison: its level-0 digest (null for a POSTed collection) and its level 2. */
export interface ComparableCollection {
  digest: string | null;
  level2: Level2 | Readonly<Record<string, unknown>>;
}

export interface ComparisonResult {
  digests: { a: string | null; b: string | null };
  attributes: { a_only: string[]; b_only: string[]; a_and_b: string[] };
  array_elements: {
    a_count: Record<string, number>;
    b_count: Record<string, number>;
    a_and_b_count: Record<string, number>;
    a_and_b_same_order: Record<string, boolean | null>;
  };
}

export interface ElementComparison {
  count: number;
  sameOrder: boolean | null;
}

/**
 * One side of a comparison as the result needs it: its digest, and each attribute's array length
 * (null for a non-array, passthru-like value).
 */
export interface ComparisonSide {
  digest: string | null;
  attributes: Readonly<Record<string, number | null>>;
}

/** The shape of a level-2 object: each attribute's array length, or null. */
export function sideOf(digest: string | null, level2: Readonly<Record<string, unknown>>): ComparisonSide {
  return {
    digest,
    attributes: Object.fromEntries(Object.entries(level2).map(([attr, v]) => [attr, Array.isArray(v) ? v.length : null])),
  };
}

/**
 * The comparison object from both sides' shapes and the element comparisons of the array
 * attributes they share (however those were computed: compareElements here, or SQL in the
 * store). Attribute lists and count maps are in alphabetical order; non-array attributes are
 * listed under `attributes` but not under `array_elements`.
 */
export function comparisonResult(
  a: ComparisonSide,
  b: ComparisonSide,
  elements: Readonly<Record<string, ElementComparison | undefined>>,
): ComparisonResult {
  const aAttrs = Object.keys(a.attributes).sort();
  const bAttrs = Object.keys(b.attributes).sort();
  const bSet = new Set(bAttrs);
  const aSet = new Set(aAttrs);
  const aAndB = aAttrs.filter((attr) => bSet.has(attr));
  const counts = (side: ComparisonSide, attrs: string[]): [string, number][] =>
    attrs.flatMap((attr) => {
      const n = side.attributes[attr];
      return typeof n === 'number' ? [[attr, n] as [string, number]] : [];
    });
  const both: [string, ElementComparison][] = aAndB.flatMap((attr) => {
    const c = elements[attr];
    const arrays = typeof a.attributes[attr] === 'number' && typeof b.attributes[attr] === 'number';
    if (arrays && c === undefined) throw new Error(`comparisonResult: no element comparison for '${attr}'`);
    return arrays ? [[attr, c!] as [string, ElementComparison]] : [];
  });
  // Object.fromEntries defines own properties, so a client attribute named "__proto__" is inert.
  return {
    digests: { a: a.digest, b: b.digest },
    attributes: {
      a_only: aAttrs.filter((attr) => !bSet.has(attr)),
      b_only: bAttrs.filter((attr) => !aSet.has(attr)),
      a_and_b: aAndB,
    },
    array_elements: {
      a_count: Object.fromEntries(counts(a, aAttrs)),
      b_count: Object.fromEntries(counts(b, bAttrs)),
      a_and_b_count: Object.fromEntries(both.map(([attr, c]) => [attr, c.count])),
      a_and_b_same_order: Object.fromEntries(both.map(([attr, c]) => [attr, c.sameOrder])),
    },
  };
}

/**
 * Compare two collections held in memory, attribute by attribute. Only the attributes present in
 * the level-2 objects take part, so transient attributes (not served at level 2) never appear.
 */
export function compareCollections(a: ComparableCollection, b: ComparableCollection): ComparisonResult {
  const aL2 = a.level2 as Readonly<Record<string, unknown>>;
  const bL2 = b.level2 as Readonly<Record<string, unknown>>;
  // No prototype: a client attribute named "__proto__" is an ordinary key here.
  const elements = Object.create(null) as Record<string, ElementComparison>;
  for (const attr of Object.keys(aL2)) {
    const av = aL2[attr];
    const bv = Object.hasOwn(bL2, attr) ? bL2[attr] : undefined;
    if (Array.isArray(av) && Array.isArray(bv)) elements[attr] = compareElements(av, bv);
  }
  return comparisonResult(sideOf(a.digest, aL2), sideOf(b.digest, bL2), elements);
}

/**
 * refgenie `_compare_elements`, in O(n) with hash sets instead of Python's O(n²) `x in B`:
 *   Af = [x for x in A if x in B]; Bf = [x for x in B if x in A]   (order and duplicates kept)
 *   count = min(len(Af), len(Bf))
 *   sameOrder = null if Af and Bf are both empty; null if len(Af) != len(Bf) (unbalanced
 *   duplicates); else Af == Bf.
 * Note the fixtures' quirk: ONE overlapping element gives true, not the spec text's null ("fewer
 * than 2 overlapping elements"); the compliance suite checks for it (pair_swap).
 */
export function compareElements(a: readonly unknown[], b: readonly unknown[]): ElementComparison {
  const toKey = keyFunction(a, b);
  const aKeys = toKey === undefined ? a : a.map(toKey);
  const bKeys = toKey === undefined ? b : b.map(toKey);
  const aSet = new Set(aKeys);
  const bSet = new Set(bKeys);
  const aFiltered = aKeys.filter((k) => bSet.has(k));
  const bFiltered = bKeys.filter((k) => aSet.has(k));
  const count = Math.min(aFiltered.length, bFiltered.length);
  if (aFiltered.length + bFiltered.length === 0) return { count, sameOrder: null };
  if (aFiltered.length !== bFiltered.length) return { count, sameOrder: null };
  return { count, sameOrder: aFiltered.every((k, i) => k === bFiltered[i]) };
}

/**
 * How to turn elements into Set keys that are equal exactly when the elements are equal by value.
 * When both arrays hold only strings (names, sequence ids) or only numbers (lengths), the elements
 * are their own keys (SameValueZero: 0 and -0 are equal, as in JCS): undefined means "no mapping".
 * Otherwise (name/length objects, mixed arrays) elements are keyed by canonical JSON, so objects
 * compare by content regardless of key order, and the string "1" (key `"1"`) differs from 1.
 */
function keyFunction(a: readonly unknown[], b: readonly unknown[]): ((x: unknown) => unknown) | undefined {
  const allOf = (type: 'string' | 'number'): boolean => a.every((x) => typeof x === type) && b.every((x) => typeof x === type);
  if (allOf('string') || allOf('number')) return undefined;
  return canonicalJson;
}
