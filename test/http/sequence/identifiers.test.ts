// GET|HEAD /sequence/:id: §2.7 identifiers (R3-R5): every id form, unknown and malformed ids, a trailing slash. Shared expectations and apps: test/helpers/sequence-suite.ts.
import t from 'tap';
import {
  endOfSection,
  EXPECTED,
  I_LEN,
  NAMES,
  NC_LEN,
  SEQ,
  SUITE_SEQ_ACCEPT,
  assertError,
  assertSequence,
  circularApp,
  get,
  idForms,
  ids,
  path,
  swapCase,
  type ExpectedIds,
} from '../../helpers/sequence-suite.js';

t.test('fixture sanity: FASTA bytes agree with the spec', async (t) => {
  t.equal(SEQ.I.length, I_LEN);
  t.equal(SEQ.VI.length, 270161);
  t.equal(SEQ.NC.length, NC_LEN);
  for (const name of NAMES) t.equal(SEQ[name].length, ids(name).length, `${name} length`);
  t.equal(SEQ.I.slice(10, 20), 'CCCACACACC');
  t.equal(SEQ.I.slice(0, 5), 'CCACA');
  t.equal(SEQ.NC.slice(5374) + SEQ.NC.slice(0, 5), 'ATCCAACCTGCAGAGTT');
  t.match(SEQ.I, /^[A-Z]+$/);
});

// ---------------------------------------------------------------------------------------------
// R3 / R4 / R5, §2.7: identifiers.

t.test('§2.7 / R3 / R4: every identifier form returns the same whole sequence', async (t) => {
  for (const name of NAMES) {
    for (const id of idForms(name)) {
      const res = await get(circularApp, path(name, id));
      assertSequence(t, res, { status: 200, body: SEQ[name], acceptRanges: 'bytes' }, `${name} ${id}`);
    }
  }
});

t.test('§2.7: the ids the compliance suite requests', async (t) => {
  for (const name of NAMES) {
    const suiteIds = (EXPECTED[name] as ExpectedIds & { ids_the_suite_requests: string[] }).ids_the_suite_requests;
    for (const id of suiteIds) {
      const res = await get(circularApp, path(name, id), { accept: SUITE_SEQ_ACCEPT });
      assertSequence(t, res, { status: 200, body: SEQ[name], acceptRanges: 'bytes' }, `${name} ${id}`);
    }
  }
});

t.test('§2.7 / R4 / R5: unknown, malformed and case-changed ids are 404, never 400', async (t) => {
  const e = ids('I');
  const digest = e.ga4gh.slice(3);
  const bad = [
    'Garbagechecksum',
    'some1111garbage1111ID',
    `sq.${digest}`, // lower-cased prefix
    `ga4gh:sq.${digest}`,
    `SQ.${swapCase(digest)}`, // the base64url digest is case-sensitive
    `SQ.${digest.toLowerCase()}`,
    `SQ.${digest.toUpperCase()}`,
    `ga4gh:SQ.${swapCase(digest)}`,
    e.ga4gh.toLowerCase(),
    `ga4gh:${digest}`, // no SQ.
    e.md5.slice(0, 31),
    `${e.md5}0`,
    '0'.repeat(32), // well-formed md5 of nothing stored
    '0'.repeat(48),
    `md5:${e.trunc512}`,
    `trunc512:${e.md5}`,
    `SQ.${digest.slice(0, 31)}`,
    'SQ.',
    'insdc:NOPE.1',
    'insdc:',
    ':BK006935.2',
    'x'.repeat(300), // longer than Fastify's default maxParamLength (100): still 404, not 414
    'g'.repeat(32),
  ];
  for (const id of bad) {
    const res = await get(circularApp, `/sequence/${encodeURIComponent(id)}`);
    assertError(t, res, 404, 'SEQUENCE_NOT_FOUND', id.slice(0, 60));
  }
  // A bad id with a bad Accept is still 404 (the id is resolved first, spec §2.4.5).
  assertError(
    t,
    await get(circularApp, '/sequence/Garbagechecksum', { accept: 'embl/some_json' }),
    404,
    'SEQUENCE_NOT_FOUND',
    'garbage + bad accept',
  );
});

t.test('§2.4.5 step 1: a trailing slash is ignored', async (t) => {
  assertSequence(t, await get(circularApp, `${path('NC')}/`), { status: 200, body: SEQ.NC, acceptRanges: 'bytes' }, 'NC/');
  assertSequence(
    t,
    await get(circularApp, `${path('I')}/?start=10&end=20`),
    { status: 200, body: 'CCCACACACC', acceptRanges: 'none' },
    'I/?start&end',
  );
});

endOfSection();
