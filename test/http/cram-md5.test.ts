// GET|HEAD /cram/md5/{md5}: the ENA CRAM registry's URL form for htslib's REF_PATH. The bases of
// the sequence (exactly GET /sequence/{md5}'s plain body), whatever Accept says; Range and
// start/end as on /sequence; anything but a stored md5 is a JSON 404. Expected md5s and bases come
// from the spec's test vectors and the fixture FASTA files (test/helpers/sequence-suite.ts).
import t from 'tap';
import { circularApp, get, ids, SEQ, I_LEN, assertSequence, assertError, assert416 } from '../helpers/sequence-suite.js';

const md5 = ids('I').md5;

t.test('the whole sequence, byte for byte, with any Accept or none', async (t) => {
  for (const accept of [undefined, '*/*', 'application/json', 'text/html', 'image/png;q=1']) {
    const res = await get(circularApp, `/cram/md5/${md5}`, accept === undefined ? {} : { accept });
    assertSequence(t, res, { status: 200, body: SEQ.I, acceptRanges: 'bytes' }, `Accept ${accept ?? '(none)'}`);
  }
  const upper = await get(circularApp, `/cram/md5/${md5.toUpperCase()}`);
  t.equal(upper.statusCode, 200, 'upper-case hex');
  t.equal(upper.body, SEQ.I);
  const head = await circularApp.inject({ method: 'HEAD', url: `/cram/md5/${md5}` });
  t.equal(head.statusCode, 200);
  t.equal(head.headers['content-length'], String(I_LEN));
  t.equal(head.body, '');
});

t.test('Range, one-sided Range and start/end as on /sequence', async (t) => {
  assertSequence(
    t,
    await get(circularApp, `/cram/md5/${md5}`, { range: 'bytes=10-19' }),
    { status: 206, body: SEQ.I.slice(10, 20), acceptRanges: 'bytes', contentRange: `bytes 10-19/${I_LEN}` },
    'bytes=10-19',
  );
  assertSequence(
    t,
    await get(circularApp, `/cram/md5/${md5}`, { range: 'bytes=230000-' }),
    { status: 206, body: SEQ.I.slice(230000), acceptRanges: 'bytes', contentRange: `bytes 230000-${I_LEN - 1}/${I_LEN}` },
    'bytes=230000-',
  );
  assertSequence(
    t,
    await get(circularApp, `/cram/md5/${md5}?start=5&end=15`),
    { status: 200, body: SEQ.I.slice(5, 15), acceptRanges: 'none' },
    'start/end',
  );
  assert416(t, await get(circularApp, `/cram/md5/${md5}`, { range: `bytes=${I_LEN}-` }), I_LEN, 'past the end');
  assertError(t, await get(circularApp, `/cram/md5/${md5}`, { range: 'bytes=1-2,4-5' }), 400, 'INVALID_RANGE');
});

t.test('anything but a stored md5 is 404 JSON: other id forms, junk, unknown md5', async (t) => {
  const I = ids('I');
  for (const id of [
    I.ga4gh,
    `md5:${md5}`,
    I.trunc512,
    'insdc:BK006935.2',
    '0'.repeat(32),
    md5.slice(1),
    `${md5}0`,
    'x'.repeat(2000),
    '%00',
    '..%2F..%2Fetc%2Fpasswd',
  ]) {
    assertError(t, await get(circularApp, `/cram/md5/${id}`), 404, 'SEQUENCE_NOT_FOUND', id.slice(0, 40));
  }
  assertError(t, await get(circularApp, `/cram/md5/${'x'.repeat(5000)}`), 414, 'URI_TOO_LONG', 'a path over the router limit');
  const none = await get(circularApp, '/cram/md5/');
  t.equal(none.statusCode, 404, 'no md5 at all');
});
