// Known-answer vectors from spec §2.8 (recomputed there with Python hashlib) and the three
// compliance sequences, whose expected digests come from test/fixtures/refget/expected-ids.json.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { md5Hex, sha512t24u, normaliseSequence, sha512t24uToTrunc512, trunc512ToSha512t24u } from '../../src/checksum/digests.js';
import { parseSequenceId } from '../../src/checksum/identifiers.js';
import { FIXTURES } from '../helpers/sample-store.js';

const VECTORS = [
  {
    raw: 'ACGT',
    md5: 'f1f8f4bf413b16ad135722aa4591043e',
    trunc512: '68a178f7c740c5c240aa67ba41843b119d3bf9f8b0f0ac36',
    ga4gh: 'SQ.aKF498dAxcJAqme6QYQ7EZ07-fiw8Kw2',
  },
  {
    raw: 'acgt',
    md5: 'f1f8f4bf413b16ad135722aa4591043e',
    trunc512: '68a178f7c740c5c240aa67ba41843b119d3bf9f8b0f0ac36',
    ga4gh: 'SQ.aKF498dAxcJAqme6QYQ7EZ07-fiw8Kw2',
  },
  {
    raw: 'ACGT*',
    md5: 'f1f8f4bf413b16ad135722aa4591043e',
    trunc512: '68a178f7c740c5c240aa67ba41843b119d3bf9f8b0f0ac36',
    ga4gh: 'SQ.aKF498dAxcJAqme6QYQ7EZ07-fiw8Kw2',
  },
  {
    raw: 'A-C.G 1T\r\n',
    md5: 'f1f8f4bf413b16ad135722aa4591043e',
    trunc512: '68a178f7c740c5c240aa67ba41843b119d3bf9f8b0f0ac36',
    ga4gh: 'SQ.aKF498dAxcJAqme6QYQ7EZ07-fiw8Kw2',
  },
  {
    raw: '',
    md5: 'd41d8cd98f00b204e9800998ecf8427e',
    trunc512: 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc',
    ga4gh: 'SQ.z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXc',
  },
  {
    raw: 'AC GT\nacgt',
    md5: 'cc0af3a4fedb18378b4b57b98068e69f',
    trunc512: '999687f722592a0959abb475879ccb3b20064d0ad7bbbd85',
    ga4gh: 'SQ.mZaH9yJZKglZq7R1h5zLOyAGTQrXu72F',
  },
  {
    raw: 'NNNN',
    md5: 'ef95bc05180af51bfd945e93b2bbba8e',
    trunc512: '3a3bd871a0cb2406c8fe86d23ca93120a3479010970b674c',
    ga4gh: 'SQ.OjvYcaDLJAbI_obSPKkxIKNHkBCXC2dM',
  },
  {
    raw: 'ACGU',
    md5: 'f525fc213c7ed45916b00811165dc3b3',
    trunc512: 'c1e8a2a45a3c614975ad92747c6abec6eceaebac5ed7c561',
    ga4gh: 'SQ.weiipFo8YUl1rZJ0fGq-xuzq66xe18Vh',
  },
  {
    raw: 'CAACAGAGACTGCTGCTGACAGTGGGCGGGGGAGTAGTTTGCTTGGCCCGTGGTTGAGGA',
    md5: '9fc10f31f6749be6ccae2476830c226b',
    trunc512: 'd806ac45189263fa5a1b6471a2194e29019aea2c121ec71d',
    ga4gh: 'SQ.2AasRRiSY_paG2RxohlOKQGa6iwSHscd',
  },
];

t.test('spec §2.8 vectors', async (t) => {
  for (const v of VECTORS) {
    const seq = normaliseSequence(v.raw);
    t.equal(md5Hex(seq), v.md5, `md5 of ${JSON.stringify(v.raw)}`);
    t.equal(`SQ.${sha512t24u(seq)}`, v.ga4gh, `ga4gh of ${JSON.stringify(v.raw)}`);
    t.equal(sha512t24uToTrunc512(sha512t24u(seq)), v.trunc512, `trunc512 of ${JSON.stringify(v.raw)}`);
    t.equal(trunc512ToSha512t24u(v.trunc512.toUpperCase()), v.ga4gh.slice(3), 'trunc512 → ga4gh, any case');
  }
});

t.test('the three compliance sequences', async (t) => {
  const expected = JSON.parse(readFileSync(`${FIXTURES}refget/expected-ids.json`, 'utf8')) as Record<
    string,
    { md5: string; ga4gh: string; trunc512: string; length: number }
  >;
  for (const [name, file] of [
    ['I', 'I.faa'],
    ['VI', 'VI.faa'],
    ['NC', 'NC.faa'],
  ] as const) {
    const text = readFileSync(`${FIXTURES}refget/${file}`, 'utf8');
    const seq = normaliseSequence(text.slice(text.indexOf('\n')));
    const e = expected[name]!;
    t.equal(seq.length, e.length, `${name} length`);
    t.equal(md5Hex(seq), e.md5, `${name} md5`);
    t.equal(`SQ.${sha512t24u(seq)}`, e.ga4gh, `${name} ga4gh`);
    t.equal(sha512t24uToTrunc512(sha512t24u(seq)), e.trunc512, `${name} trunc512`);
  }
});

t.test('identifier forms (spec §2.7)', async (t) => {
  const md5 = 'f1f8f4bf413b16ad135722aa4591043e';
  const digest = 'aKF498dAxcJAqme6QYQ7EZ07-fiw8Kw2';
  t.same(parseSequenceId(md5), { kind: 'md5', md5 });
  t.same(parseSequenceId(md5.toUpperCase()), { kind: 'md5', md5 }, 'hex is case-insensitive');
  t.same(parseSequenceId(`md5:${md5}`), { kind: 'md5', md5 });
  t.same(parseSequenceId(`MD5:${md5}`), { kind: 'md5', md5 }, 'prefix is case-insensitive');
  t.same(parseSequenceId('68a178f7c740c5c240aa67ba41843b119d3bf9f8b0f0ac36'), { kind: 'ga4gh', digest });
  t.same(parseSequenceId('trunc512:68A178F7C740C5C240AA67BA41843B119D3BF9F8B0F0AC36'), { kind: 'ga4gh', digest });
  t.same(parseSequenceId(`SQ.${digest}`), { kind: 'ga4gh', digest });
  t.same(parseSequenceId(`ga4gh:SQ.${digest}`), { kind: 'ga4gh', digest });
  t.same(parseSequenceId('insdc:BK006935.2'), { kind: 'alias', namingAuthority: 'insdc', alias: 'BK006935.2' });
  t.same(parseSequenceId('INSDC:BK006935.2'), { kind: 'alias', namingAuthority: 'insdc', alias: 'BK006935.2' });
  for (const bad of [
    'Garbagechecksum',
    `sq.${digest}`,
    `SQ.${digest.slice(1)}`,
    `ga4gh:${digest}`,
    'md5:xyz',
    ':abc',
    'abc:',
    '',
    `md5:${md5}0`,
  ]) {
    t.equal(parseSequenceId(bad), undefined, `'${bad}' is not an id`);
  }
});
