// The seqcol JSON Schema this server implements, served as service-info `seqcol.schema` (spec §3.1, §3.4).
import { INHERENT, TRANSIENT } from './collection.js';

/**
 * Our own schema: the spec's minimal schema (which all implementations share, so digests stay
 * compatible) plus the three ancillary attributes we compute. Not copied from the spec's
 * extended schema file, which is invalid JSON and wrongly declares sorted_name_length_pairs as
 * collated `{name, length}` objects (§3.1 errata). It must list every attribute we may serve.
 */
export const SEQCOL_SCHEMA = deepFreeze({
  description: 'A collection of biological sequences.',
  type: 'object',
  properties: {
    lengths: {
      type: 'array',
      collated: true,
      description: 'Number of elements, such as nucleotides or amino acids, in each sequence.',
      items: { type: 'integer', minimum: 0 },
    },
    names: {
      type: 'array',
      collated: true,
      description: 'Human-readable labels of each sequence (chromosome names).',
      items: { type: 'string' },
    },
    sequences: {
      type: 'array',
      collated: true,
      description: 'Refget sequences v2 identifiers for sequences.',
      items: { type: 'string', description: 'A refget ga4gh identifier, SQ. followed by a sha512t24u digest.' },
    },
    name_length_pairs: {
      type: 'array',
      collated: true,
      description: 'Pairs of the name and the length of each sequence.',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          length: { type: 'integer', minimum: 0 },
        },
        required: ['name', 'length'],
      },
    },
    sorted_name_length_pairs: {
      type: 'array',
      collated: false,
      description:
        'Lexicographically sorted digests of the canonical JSON of each {length, name} pair; ' +
        'its level-1 digest identifies the coordinate system regardless of sequence order.',
      items: { type: 'string' },
    },
    sorted_sequences: {
      type: 'array',
      collated: false,
      description: 'The sequences identifiers sorted lexicographically.',
      items: { type: 'string' },
    },
  },
  required: ['names', 'lengths', 'sequences'],
  ga4gh: {
    inherent: [...INHERENT],
    transient: [...TRANSIENT],
    passthru: [],
  },
});

/** Freeze the served schema so no caller can change what later requests get. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
