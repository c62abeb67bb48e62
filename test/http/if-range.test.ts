// If-Range (RFC 9110 §13.1.5): a Range applies only when If-Range is the current strong ETag of
// the whole representation; a mismatched, weak or date validator gets the whole sequence (200),
// so a resumed download never splices bytes of two different representations. Long request paths
// get a 414 that does not echo them.
import t from 'tap';
import { buildTestApp, sampleStore } from '../helpers/sample-store.js';

const MD5 = '6681ac2f62509cfc220d78751b8dc524'; // refget compliance: yeast chromosome I, 230218 bases

t.test('If-Range', async (t) => {
  const app = await buildTestApp(t, await sampleStore(t));
  const whole = await app.inject({ url: `/sequence/${MD5}` });
  const etag = whole.headers.etag as string;
  const part = await app.inject({ url: `/sequence/${MD5}`, headers: { range: 'bytes=10-19' } });
  t.equal(part.statusCode, 206);
  t.equal(part.headers.etag, etag, "a 206 carries the whole representation's ETag");
  const cases: [string, number][] = [
    [etag, 206],
    [` ${etag} `, 206],
    [`W/${etag}`, 200],
    ['"something-else"', 200],
    [`"${etag.slice(1, -2)}"`, 200],
    ['Wed, 21 Oct 2015 07:28:00 GMT', 200],
    ['*', 200],
  ];
  for (const [ifRange, status] of cases) {
    const res = await app.inject({ url: `/sequence/${MD5}`, headers: { range: 'bytes=10-19', 'if-range': ifRange } });
    t.equal(res.statusCode, status, `If-Range ${ifRange}`);
    if (status === 206) {
      t.equal(res.body, whole.body.slice(10, 20));
      t.equal(res.headers['content-range'], 'bytes 10-19/230218');
    } else {
      t.equal(res.body, whole.body, 'the whole sequence');
      t.notOk(res.headers['content-range']);
    }
  }
  const fasta = await app.inject({ url: `/sequence/${MD5}`, headers: { accept: 'text/x-fasta' } });
  const fastaPart = await app.inject({
    url: `/sequence/${MD5}`,
    headers: { accept: 'text/x-fasta', range: 'bytes=0-9', 'if-range': etag },
  });
  t.equal(fastaPart.statusCode, 200, 'the plain ETag does not validate the FASTA representation');
  t.equal(fastaPart.body, fasta.body);
  const noRange = await app.inject({ url: `/sequence/${MD5}`, headers: { 'if-range': '"x"' } });
  t.equal(noRange.statusCode, 200, 'If-Range without Range changes nothing');
});

t.test('a 414 does not echo the path', async (t) => {
  const app = await buildTestApp(t, await sampleStore(t));
  for (const url of [
    `/sequence/${'a'.repeat(5000)}`,
    `/sequence/${'a'.repeat(3000)}/metadata`,
    `/collection/${'c'.repeat(5000)}`,
  ]) {
    const res = await app.inject({ url });
    t.equal(res.statusCode, 414, url.slice(0, 20));
    t.same(res.json(), { error: 'URI_TOO_LONG', message: 'the request path is too long' });
  }
  const notFound = await app.inject({ url: `/nosuch/${'b'.repeat(5000)}` });
  t.equal(notFound.statusCode, 404);
  t.ok(notFound.body.length < 300, 'a 404 quotes a short prefix only');
});
