// canonicalJson: RFC 8785 output for the value kinds seqcol digests, and rejection of the rest.
import t from 'tap';
import { canonicalJson } from '../../src/seqcol/canonical-json.js';

t.test('scalars', async (t) => {
  t.equal(canonicalJson('chr1'), '"chr1"');
  t.equal(canonicalJson(248956422), '248956422');
  t.equal(canonicalJson(0), '0');
  t.equal(canonicalJson(-0), '0', 'JCS serialises -0 as 0');
  t.equal(canonicalJson(-17), '-17');
  t.equal(canonicalJson(2 ** 53 - 1), '9007199254740991');
  t.equal(canonicalJson(1.5), '1.5');
  t.equal(canonicalJson(1e21), '1e+21', 'ECMAScript number formatting, as JCS prescribes');
  t.equal(canonicalJson(true), 'true');
  t.equal(canonicalJson(false), 'false');
  t.equal(canonicalJson(null), 'null');
});

t.test('strings: only quote, backslash and controls are escaped; non-ASCII is kept', async (t) => {
  t.equal(canonicalJson('a"b\\c'), '"a\\"b\\\\c"');
  t.equal(canonicalJson('\n\t\u0001\u001f'), '"\\n\\t\\u0001\\u001f"');
  t.equal(canonicalJson('\u007f'), '"\u007f"', 'DEL is not a control for JSON');
  t.equal(canonicalJson('é€𝄞'), '"é€𝄞"');
  t.equal(canonicalJson('/'), '"/"', 'solidus is not escaped');
});

t.test('arrays keep order, no whitespace', async (t) => {
  t.equal(canonicalJson([]), '[]');
  t.equal(canonicalJson(['chr2', 'chr1', 'chrX']), '["chr2","chr1","chrX"]');
  t.equal(canonicalJson([1, [2, [3, []]], 'x', null, true]), '[1,[2,[3,[]]],"x",null,true]');
  t.equal(canonicalJson([248956422, 242193529, 198295559]), '[248956422,242193529,198295559]');
});

t.test('object keys sorted by UTF-16 code units, recursively', async (t) => {
  t.equal(canonicalJson({}), '{}');
  t.equal(canonicalJson({ name: 'chr1', length: 4 }), '{"length":4,"name":"chr1"}');
  t.equal(canonicalJson({ b: { d: 1, c: [{ z: 0, a: 1 }] }, a: [] }), '{"a":[],"b":{"c":[{"a":1,"z":0}],"d":1}}');
  t.equal(canonicalJson({ a: 1, B: 2, _: 3, '1': 4 }), '{"1":4,"B":2,"_":3,"a":1}', 'digits < upper < _ < lower');
  // RFC 8785 §3.2.3's own example: keys sorted by UTF-16 code units, so U+1F600 (surrogates
  // D83D DE00) sorts before U+FB33, although its code point is larger.
  const rfc = {
    '\u20ac': 'Euro Sign',
    '\r': 'Carriage Return',
    '\ufb33': 'Hebrew Letter Dalet With Dagesh',
    '1': 'One',
    '\ud83d\ude00': 'Emoji: Grinning Face',
    '\u0080': 'Control',
    '\u00f6': 'Latin Small Letter O With Diaeresis',
  };
  t.equal(
    canonicalJson(rfc),
    '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
      '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
  );
  t.equal(canonicalJson({ '\u00e9': 1, z: 2, '\u00e4': 3 }), '{"z":2,"\u00e4":3,"\u00e9":1}', 'non-ASCII keys after ASCII');
  t.equal(
    canonicalJson(Object.assign(Object.create(null) as object, { b: 1, a: 2 })),
    '{"a":2,"b":1}',
    'null-prototype objects are plain',
  );
});

t.test('the seqcol level-0 object', async (t) => {
  t.equal(
    canonicalJson({ sequences: 'rD29ZKmEqwwHRXjiQ36p6UMZQ5hemmsb', names: 'g04lKdxiYtG3dOGeUC5AdKEifw65G0Wp' }),
    '{"names":"g04lKdxiYtG3dOGeUC5AdKEifw65G0Wp","sequences":"rD29ZKmEqwwHRXjiQ36p6UMZQ5hemmsb"}',
  );
});

t.test('unsupported values throw TypeError instead of being skipped', async (t) => {
  t.throws(() => canonicalJson(Number.NaN), TypeError);
  t.throws(() => canonicalJson(Number.POSITIVE_INFINITY), TypeError);
  t.throws(() => canonicalJson([1, Number.NEGATIVE_INFINITY]), TypeError);
  t.throws(() => canonicalJson(undefined), TypeError);
  t.throws(() => canonicalJson({ a: undefined }), TypeError);
  t.throws(() => canonicalJson([undefined]), TypeError);
  t.throws(() => canonicalJson([1, , 2]), TypeError, 'sparse array hole');
  t.throws(() => canonicalJson(10n), TypeError);
  t.throws(() => canonicalJson(Symbol('x')), TypeError);
  t.throws(() => canonicalJson(() => 1), TypeError);
  t.throws(() => canonicalJson(new Date(0)), TypeError);
  t.throws(() => canonicalJson(new Map()), TypeError);
  t.throws(() => canonicalJson(Buffer.from('a')), TypeError);
  const cyclic: unknown[] = [];
  cyclic.push(cyclic);
  t.throws(() => canonicalJson(cyclic), TypeError);
});

t.test('shared (non-cyclic) references are fine', async (t) => {
  const shared = { x: 1 };
  t.equal(canonicalJson([shared, shared]), '[{"x":1},{"x":1}]');
});
