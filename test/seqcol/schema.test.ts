// SEQCOL_SCHEMA: the attributes, qualifiers and required list the service-info advertises.
import t from 'tap';
import { INHERENT, LEVEL2_ATTRIBUTES, TRANSIENT, computeSeqcol } from '../../src/seqcol/collection.js';
import { SEQCOL_SCHEMA } from '../../src/seqcol/schema.js';

t.test('properties and collated flags', async (t) => {
  const props = SEQCOL_SCHEMA.properties as Record<
    string,
    { type: string; collated: boolean; description: string; items: { type: string } }
  >;
  t.strictSame(Object.keys(props).sort(), [
    'lengths',
    'name_length_pairs',
    'names',
    'sequences',
    'sorted_name_length_pairs',
    'sorted_sequences',
  ]);
  const collated = {
    lengths: true,
    names: true,
    sequences: true,
    name_length_pairs: true,
    sorted_name_length_pairs: false,
    sorted_sequences: false,
  };
  for (const [attr, flag] of Object.entries(collated)) {
    const p = props[attr]!;
    t.equal(p.type, 'array', `${attr} is an array`);
    t.equal(p.collated, flag, `${attr} collated: ${flag}`);
    t.type(p.description, 'string', `${attr} has a description`);
  }
  t.equal(props['lengths']!.items.type, 'integer');
  t.equal(props['names']!.items.type, 'string');
  t.equal(props['sequences']!.items.type, 'string');
  t.equal(props['name_length_pairs']!.items.type, 'object');
  t.equal(props['sorted_name_length_pairs']!.items.type, 'string', 'digest strings, not {name,length} objects (errata)');
  t.equal(props['sorted_sequences']!.items.type, 'string');
});

t.test('required and ga4gh qualifiers', async (t) => {
  t.equal(SEQCOL_SCHEMA.type, 'object');
  t.strictSame(SEQCOL_SCHEMA.required, ['names', 'lengths', 'sequences']);
  t.strictSame(SEQCOL_SCHEMA.ga4gh, { inherent: ['names', 'sequences'], transient: ['sorted_name_length_pairs'], passthru: [] });
  t.strictSame(SEQCOL_SCHEMA.ga4gh.inherent, [...INHERENT]);
  t.strictSame(SEQCOL_SCHEMA.ga4gh.transient, [...TRANSIENT]);
});

t.test('the schema covers every attribute a computed collection has, at both levels', async (t) => {
  const c = computeSeqcol({ names: ['a'], lengths: [1], sequences: ['SQ.x'] });
  const props = Object.keys(SEQCOL_SCHEMA.properties);
  for (const attr of Object.keys(c.level1)) t.ok(props.includes(attr), `level 1 ${attr}`);
  for (const attr of LEVEL2_ATTRIBUTES) t.ok(props.includes(attr), `level 2 ${attr}`);
});

t.test('serialisable and frozen', async (t) => {
  t.strictSame(JSON.parse(JSON.stringify(SEQCOL_SCHEMA)), SEQCOL_SCHEMA);
  t.ok(Object.isFrozen(SEQCOL_SCHEMA));
  t.ok(Object.isFrozen(SEQCOL_SCHEMA.properties.names));
  t.ok(Object.isFrozen(SEQCOL_SCHEMA.required));
});
