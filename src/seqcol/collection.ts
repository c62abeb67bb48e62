// Seqcol v1.0.0 digests (spec §3.2–3.3): level 2 → level 1 → level 0, and the check of POSTed level-2 bodies.
import { sha512t24u } from '../checksum/digests.js';
import { canonicalJson } from './canonical-json.js';

export interface SeqcolInput {
  names: string[];
  lengths: number[];
  /** Refget ga4gh ids with the `SQ.` prefix and without `ga4gh:` (ADR 2023-06-14). */
  sequences: string[];
}

export interface NameLengthPair {
  name: string;
  length: number;
}

/** Level 2 as served: every stored attribute except the transient ones. */
export interface Level2 {
  names: string[];
  lengths: number[];
  sequences: string[];
  name_length_pairs: NameLengthPair[];
  sorted_sequences: string[];
}

/** Level 1: one digest per attribute, transient ones included. */
export interface Level1 {
  names: string;
  lengths: string;
  sequences: string;
  name_length_pairs: string;
  sorted_sequences: string;
  sorted_name_length_pairs: string;
}

export interface SeqcolDigests {
  /** Level 0: the collection digest. */
  digest: string;
  level1: Level1;
  level2: Level2;
  /** The transient level-2 value of sorted_name_length_pairs: stored for /list filtering, never served. */
  sortedNameLengthPairs: string[];
}

/** Attributes whose level-1 digests make up level 0 (spec-recommended set; lengths is NOT inherent). */
export const INHERENT = ['names', 'sequences'] as const;
/** Attributes kept only at level 1: absent from level 2, /attribute and comparisons. */
export const TRANSIENT = ['sorted_name_length_pairs'] as const;
/** Attributes that must have one element per sequence, in the same order. */
export const COLLATED = ['names', 'lengths', 'sequences', 'name_length_pairs'] as const;
/** The level-2 attributes every stored collection has (and the comparison fixtures expect), sorted. */
export const LEVEL2_ATTRIBUTES = ['lengths', 'name_length_pairs', 'names', 'sequences', 'sorted_sequences'] as const;

/** Every attribute a stored collection has a level-1 digest for (level 2's plus the transient one). */
export const COLLECTION_ATTRIBUTES = [...LEVEL2_ATTRIBUTES, ...TRANSIENT] as const;
export type CollectionAttribute = (typeof COLLECTION_ATTRIBUTES)[number];
export const isCollectionAttribute = (name: string): name is CollectionAttribute =>
  (COLLECTION_ATTRIBUTES as readonly string[]).includes(name);

/** The level-1 digest of one attribute's level-2 value: sha512t24u(JCS(value)). */
export function attributeDigest(value: unknown): string {
  return sha512t24u(canonicalJson(value));
}

/** Level 0 from the level-1 digests of the inherent attributes. */
export function topLevelDigest(level1: Readonly<Record<(typeof INHERENT)[number], string>>): string {
  // Built from INHERENT so the digested object holds exactly the inherent attributes.
  return attributeDigest(Object.fromEntries(INHERENT.map((attr) => [attr, level1[attr]])));
}

/**
 * JCS of one `{name, length}` pair, written out instead of calling canonicalJson: it runs once per
 * sequence, and the same strings serve both the per-pair digests of sorted_name_length_pairs and
 * the JCS of the whole name_length_pairs array. Inputs are validated first, so JSON.stringify of
 * the (safe, non-negative integer) length and of the name string is already canonical.
 */
function pairJson(name: string, length: number): string {
  return `{"length":${JSON.stringify(length)},"name":${JSON.stringify(name)}}`;
}

/**
 * Compute every level of a collection from its names, lengths and sequence ids (ingest path).
 * Throws TypeError if the arrays differ in length or hold values of the wrong type: a digest of
 * malformed input would be a valid-looking wrong identifier.
 */
export function computeSeqcol(input: SeqcolInput): SeqcolDigests {
  for (const attr of ['names', 'lengths', 'sequences'] as const) {
    if (!Array.isArray(input[attr])) throw new TypeError(`computeSeqcol: "${attr}" must be an array`);
  }
  const problem = level2Problem(input as unknown as Record<string, unknown>);
  if (problem !== undefined) throw new TypeError(`computeSeqcol: ${problem}`);
  const { names, lengths, sequences } = input;

  const name_length_pairs: NameLengthPair[] = names.map((name, i) => ({ name, length: lengths[i]! }));
  const pairsJson = name_length_pairs.map((pair) => pairJson(pair.name, pair.length));
  // Default sort = UTF-16 code-unit order; it equals the reference's (Python, code-point) order
  // for the ASCII-only `SQ.` ids and base64url digests sorted here.
  const sorted_sequences = [...sequences].sort();
  const sortedNameLengthPairs = pairsJson.map((json) => sha512t24u(json)).sort();

  // Copies, so that later changes to the caller's arrays cannot desynchronise level 2 from level 1.
  const level2: Level2 = {
    lengths: [...lengths],
    names: [...names],
    sequences: [...sequences],
    sorted_sequences,
    name_length_pairs,
  };
  const level1: Level1 = {
    lengths: attributeDigest(level2.lengths),
    names: attributeDigest(level2.names),
    sequences: attributeDigest(level2.sequences),
    sorted_sequences: attributeDigest(sorted_sequences),
    // = attributeDigest(name_length_pairs), from the already-canonical per-pair strings.
    name_length_pairs: sha512t24u(`[${pairsJson.join(',')}]`),
    sorted_name_length_pairs: attributeDigest(sortedNameLengthPairs),
  };
  return { digest: topLevelDigest(level1), level1, level2, sortedNameLengthPairs };
}

/**
 * Level 1 and level 0 of an arbitrary level-2 object (e.g. a POSTed collection): a level-1 digest
 * for every array-valued attribute present (non-array values are passthru-like and skipped).
 * Nothing is derived: an attribute that is absent stays absent. `digest` is null when an inherent
 * attribute is missing, since level 0 is then undefined.
 */
export function digestLevel2(level2: Level2 | Readonly<Record<string, unknown>>): {
  digest: string | null;
  level1: Record<string, string>;
} {
  // Object.fromEntries defines own properties, so even an attribute called "__proto__" is safe.
  const level1: Record<string, string> = Object.fromEntries(
    Object.entries(level2)
      .filter(([, value]) => Array.isArray(value))
      .map(([attr, value]) => [attr, attributeDigest(value)]),
  );
  const names = level1['names'];
  const sequences = level1['sequences'];
  const digest = names !== undefined && sequences !== undefined ? topLevelDigest({ names, sequences }) : null;
  return { digest, level1 };
}

/** A level-2 collection that passed validateLevel2: known attributes are well-typed arrays. */
export type ValidLevel2 = Partial<Level2> & Record<string, unknown>;

export type Level2Validation = { ok: true; level2: ValidLevel2 } | { ok: false; error: string };

/**
 * Check a client-supplied level-2 collection (POST /comparison body). It must be a JSON object
 * with at least one attribute; the known attributes, when present, must be arrays of the right
 * element type, and the collated ones must all have the same length. Unknown attributes are
 * accepted as they are (another server's schema may have more), and no attribute is required, so
 * a client can compare e.g. just `names` + `lengths` (a coordinate system) against a collection.
 */
export function validateLevel2(body: unknown): Level2Validation {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, error: 'The collection must be a JSON object of attribute arrays' };
  }
  const record = body as Record<string, unknown>;
  if (Object.keys(record).length === 0) {
    return { ok: false, error: 'The collection has no attributes' };
  }
  const problem = level2Problem(record);
  if (problem !== undefined) return { ok: false, error: problem };
  return { ok: true, level2: record as ValidLevel2 };
}

const isString = (x: unknown): boolean => typeof x === 'string';
const isLength = (x: unknown): boolean => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isPair = (x: unknown): boolean =>
  typeof x === 'object' &&
  x !== null &&
  !Array.isArray(x) &&
  isString((x as Record<string, unknown>)['name']) &&
  isLength((x as Record<string, unknown>)['length']);

/** Element checks for the attributes this server knows; what each element must be, for messages. */
const ELEMENT_RULES: Readonly<Record<string, readonly [(x: unknown) => boolean, string]>> = {
  names: [isString, 'a string'],
  lengths: [isLength, 'a non-negative integer'],
  sequences: [isString, 'a string'],
  sorted_sequences: [isString, 'a string'],
  name_length_pairs: [isPair, 'an object with a string "name" and a non-negative integer "length"'],
  sorted_name_length_pairs: [isString, 'a string'],
};

/** The first problem with the known attributes of a level-2 object, or undefined if none. */
function level2Problem(record: Readonly<Record<string, unknown>>): string | undefined {
  for (const [attr, [check, what]] of Object.entries(ELEMENT_RULES)) {
    if (!Object.hasOwn(record, attr)) continue;
    const value = record[attr];
    if (!Array.isArray(value)) return `Attribute "${attr}" must be an array`;
    for (let i = 0; i < value.length; i++) {
      if (!check(value[i])) return `Attribute "${attr}" element ${i} must be ${what}`;
    }
  }
  let first: { attr: string; length: number } | undefined;
  for (const attr of COLLATED) {
    const value = record[attr];
    if (!Object.hasOwn(record, attr) || !Array.isArray(value)) continue;
    if (first === undefined) first = { attr, length: value.length };
    else if (value.length !== first.length) {
      return `Collated attributes must have the same number of elements: "${first.attr}" has ${first.length}, "${attr}" has ${value.length}`;
    }
  }
  return undefined;
}
