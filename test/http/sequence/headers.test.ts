// GET|HEAD /sequence/:id: §2.4.4 / R11 headers: content-coding, ETag and If-None-Match, Cache-Control, HEAD. Shared expectations and apps: test/helpers/sequence-suite.ts.
import t from 'tap';
import { IMMUTABLE, NC_LEN, circularApp, get, ids, path, type Headers, endOfSection } from '../../helpers/sequence-suite.js';
import { send } from '../../helpers/http-client.js';

// ---------------------------------------------------------------------------------------------
// §2.4.4 / R11: headers; content-coding; caching; HEAD.

t.test('R11: no Content-Encoding even when gzip is accepted; Content-Length always', async (t) => {
  const requests: { url: string; headers: Headers; status: number }[] = [
    { url: path('I'), headers: {}, status: 200 },
    { url: `${path('I')}?start=0&end=100000`, headers: {}, status: 200 },
    { url: path('VI'), headers: { range: 'bytes=0-999999' }, status: 206 },
    { url: `${path('NC')}?start=5000&end=300`, headers: {}, status: 200 },
    { url: path('VI'), headers: { accept: 'text/x-fasta' }, status: 200 },
  ];
  for (const encoding of ['gzip, deflate', 'gzip', 'br', 'gzip, deflate, br, zstd', '*']) {
    for (const r of requests) {
      const res = await get(circularApp, r.url, { ...r.headers, 'accept-encoding': encoding });
      t.equal(res.statusCode, r.status, `${r.url} ${encoding}`);
      t.notOk(res.headers['content-encoding'], `${r.url} (${encoding}): no content-encoding`);
      t.equal(res.headers['content-length'], String(res.rawPayload.length), `${r.url} (${encoding}): content-length matches`);
      t.notOk(res.headers['transfer-encoding'], `${r.url} (${encoding}): not chunked`);
    }
  }
});

t.test('ETag, Cache-Control and If-None-Match → 304', async (t) => {
  const cases: { url: string; headers: Headers }[] = [
    { url: path('I'), headers: {} },
    { url: `${path('I')}?start=10&end=20`, headers: {} },
    { url: `${path('NC')}?start=5380&end=25`, headers: {} },
    { url: path('VI'), headers: { range: 'bytes=10-19' } },
    { url: path('NC'), headers: { accept: 'text/x-fasta' } },
  ];
  const seen = new Set<string>();
  for (const c of cases) {
    const first = await get(circularApp, c.url, c.headers);
    t.ok(first.statusCode === 200 || first.statusCode === 206, `${c.url} ok`);
    const etag = String(first.headers.etag);
    t.match(etag, /^"[^"]+"$/, `${c.url}: strong etag`);
    t.equal(first.headers['cache-control'], IMMUTABLE, `${c.url}: cache-control`);
    seen.add(etag);
    // The same request gives the same ETag; any id form of the same sequence too.
    t.equal((await get(circularApp, c.url, c.headers)).headers.etag, etag, `${c.url}: stable etag`);

    for (const inm of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
      const res = await get(circularApp, c.url, { ...c.headers, 'if-none-match': inm });
      t.equal(res.statusCode, 304, `${c.url} If-None-Match: ${inm} → 304`);
      t.equal(res.rawPayload.length, 0, `${c.url}: 304 has no body`);
      t.equal(res.headers.etag, etag, `${c.url}: 304 repeats the etag`);
      t.equal(res.headers['cache-control'], IMMUTABLE, `${c.url}: 304 repeats cache-control`);
      t.notOk(res.headers['content-range'], `${c.url}: 304 has no content-range`);
      t.notOk(res.headers['content-encoding']);
    }
    const miss = await get(circularApp, c.url, { ...c.headers, 'if-none-match': '"something-else"' });
    t.equal(miss.statusCode, first.statusCode, `${c.url}: non-matching If-None-Match → full response`);
    t.equal(miss.body, first.body);
  }
  t.equal(seen.size, cases.length, 'every case has its own ETag');
  // RFC 9110 §15.3.7 / §13.2.2: a 206 carries the ETag of the selected representation (what a
  // 200 to the same URL would carry), and If-None-Match is evaluated before Range.
  const whole = await get(circularApp, path('I'));
  const part = await get(circularApp, path('I'), { range: 'bytes=10-19' });
  t.equal(part.statusCode, 206);
  t.equal(part.headers.etag, whole.headers.etag, '206 carries the ETag of the whole representation');
  const revalidated = await get(circularApp, path('I'), { range: 'bytes=10-19', 'if-none-match': String(whole.headers.etag) });
  t.equal(revalidated.statusCode, 304, 'If-None-Match with the representation ETag + Range → 304');
  t.notOk(revalidated.headers['content-range'], '304 has no content-range');
  // start/end selects a different representation (a different URL, a different body).
  t.not(
    (await get(circularApp, `${path('I')}?start=0&end=10`)).headers.etag,
    whole.headers.etag,
    'start/end ETag differs from the whole',
  );
  // The ETag identifies the sequence, not the spelling of its id.
  const byMd5 = await get(circularApp, path('VI'));
  const byAlias = await get(circularApp, path('VI', 'insdc:CP036473.1'));
  t.equal(byAlias.headers.etag, byMd5.headers.etag, 'same ETag whatever the id form');
  t.equal(
    (await get(circularApp, path('VI', ids('VI').ga4gh), { 'if-none-match': String(byMd5.headers.etag) })).statusCode,
    304,
    'ETag from the md5 URL validates the SQ. URL',
  );
  // Different sequences never share an ETag.
  t.not((await get(circularApp, path('I'))).headers.etag, byMd5.headers.etag);
});

t.test('HEAD: same status and headers as GET, no body', async (t) => {
  const cases: { url: string; headers: Headers }[] = [
    { url: path('I'), headers: {} },
    { url: `${path('I')}?start=10&end=20`, headers: {} },
    { url: `${path('NC')}?start=5380&end=25`, headers: {} },
    { url: path('I'), headers: { range: 'bytes=10-999999' } },
    { url: path('NC'), headers: { accept: 'text/x-fasta' } },
    { url: `${path('I')}?start=10&end=10`, headers: {} },
  ];
  const compared = [
    'content-type',
    'content-length',
    'accept-ranges',
    'content-range',
    'etag',
    'cache-control',
    'access-control-allow-origin',
  ];
  for (const c of cases) {
    const g = await get(circularApp, c.url, c.headers);
    const h = await send(circularApp, { method: 'HEAD', url: c.url, headers: c.headers });
    t.equal(h.statusCode, g.statusCode, `HEAD ${c.url}: status`);
    for (const name of compared) t.equal(h.headers[name], g.headers[name], `HEAD ${c.url}: ${name}`);
    t.equal(h.rawPayload.length, 0, `HEAD ${c.url}: no body`);
  }
  // HEAD errors keep their status and headers and send no body.
  const notFound = await send(circularApp, { method: 'HEAD', url: '/sequence/Garbagechecksum' });
  t.equal(notFound.statusCode, 404, 'HEAD unknown id → 404');
  t.equal(notFound.rawPayload.length, 0, 'HEAD 404: no body');
  const unsat = await send(circularApp, { method: 'HEAD', url: path('NC'), headers: { range: 'bytes=9999-99999' } });
  t.equal(unsat.statusCode, 416, 'HEAD 416');
  t.equal(unsat.headers['content-range'], `bytes */${NC_LEN}`, 'HEAD 416 content-range');
  t.equal(unsat.rawPayload.length, 0, 'HEAD 416: no body');
  const h304 = await send(circularApp, { method: 'HEAD', url: path('I'), headers: { 'if-none-match': '*' } });
  t.equal(h304.statusCode, 304, 'HEAD If-None-Match → 304');
});

endOfSection();
