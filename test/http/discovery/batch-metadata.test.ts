// The discovery API: POST /sequence/metadata: found, not found, ambiguous; limits and malformed bodies. Shared expectations and the app: test/helpers/discovery-suite.ts.
import t from 'tap';
import {
  REFGET_JSON,
  SAMPLE_REFGET,
  app,
  assertError,
  buildTestApp,
  byName,
  get,
  storeDir,
  type Res,
} from '../../helpers/discovery-suite.js';

t.test('POST /sequence/metadata: mixed found / not found / ambiguous, in request order', async (t) => {
  const ids = [
    'insdc:BK006935.2',
    'nope',
    SAMPLE_REFGET.NC.ga4gh,
    'lab:dup',
    `md5:${byName('chrM').md5}`,
    'insdc:BK006935.2',
    'ucsc:chrA',
    SAMPLE_REFGET.VI.md5.toUpperCase(),
  ];
  const res = await app.inject({ method: 'POST', url: '/sequence/metadata', payload: { ids } });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], REFGET_JSON, 'refget JSON type, as GET metadata');
  const results = (res.json() as { results: Record<string, unknown>[] }).results;
  t.same(
    results.map((r) => r.id),
    ids,
    'one result per id, in request order (duplicates kept)',
  );
  for (const [i, id] of ids.entries()) {
    const single = await get(app, `/sequence/${encodeURIComponent(id)}/metadata`);
    if (single.statusCode === 200) {
      t.same(results[i], { id, metadata: (single.json() as { metadata: unknown }).metadata }, `${id}: same metadata as GET`);
    } else {
      t.same(results[i], { id, ...(single.json() as object) }, `${id}: same error as GET (${single.statusCode})`);
    }
  }
  const meta = (i: number): { md5: string; length: number } => results[i]!.metadata as { md5: string; length: number };
  t.equal(meta(0).md5, SAMPLE_REFGET.I.md5, 'alias → chr I (md5 of the FASTA)');
  t.equal(meta(2).length, SAMPLE_REFGET.NC.seq.length);
  t.equal(meta(4).md5, byName('chrM').md5);
  t.equal(meta(7).md5, SAMPLE_REFGET.VI.md5, 'upper-case md5');
  t.match(results[1], { id: 'nope', error: 'SEQUENCE_NOT_FOUND', message: String });
  t.match(results[3], { id: 'lab:dup', error: 'AMBIGUOUS_ALIAS', message: String });
  t.same(
    (results[3]!.candidates as { md5: string }[]).map((c) => c.md5).sort(),
    [byName('chrA').md5, byName('chrB').md5].sort(),
    'ambiguous: candidates',
  );

  const empty = await app.inject({ method: 'POST', url: '/sequence/metadata', payload: { ids: [] } });
  t.same(empty.json(), { results: [] }, 'no ids → no results');
});

t.test('POST /sequence/metadata: limit and malformed bodies', async (t) => {
  const small = await buildTestApp(t, storeDir, { maxBatchIds: 3 });
  const three = await small.inject({ method: 'POST', url: '/sequence/metadata', payload: { ids: ['a', 'b', 'c'] } });
  t.equal(three.statusCode, 200, 'at the limit');
  assertError(
    t,
    await small.inject({ method: 'POST', url: '/sequence/metadata', payload: { ids: ['a', 'b', 'c', 'd'] } }),
    400,
    'INVALID_PARAMETER',
    'over the limit',
    /at most 3 ids/,
  );
  const many = Array.from({ length: 1001 }, (_, i) => `x${i}`);
  assertError(
    t,
    await app.inject({ method: 'POST', url: '/sequence/metadata', payload: { ids: many } }),
    400,
    'INVALID_PARAMETER',
    'over the default 1000',
  );
  const thousand = await app.inject({ method: 'POST', url: '/sequence/metadata', payload: { ids: many.slice(0, 1000) } });
  t.equal((thousand.json() as { results: unknown[] }).results.length, 1000, '1000 ids answered');

  const post = (payload: string, contentType = 'application/json'): Promise<Res> =>
    app.inject({ method: 'POST', url: '/sequence/metadata', payload, headers: { 'content-type': contentType } });
  for (const [payload, what] of [
    ['{bad', 'not JSON'],
    ['{}', 'no ids'],
    ['{"ids": "abc"}', 'ids a string'],
    ['{"ids": [1, 2]}', 'ids numbers'],
    ['{"ids": [null]}', 'ids null'],
    ['{"ids": {"a": 1}}', 'ids an object'],
    ['[]', 'an array body'],
    ['null', 'null'],
    ['{"ids": [], "extra": 1}', 'unknown member'],
    ['"ids"', 'a string body'],
  ] as const) {
    const res = await post(payload);
    t.equal(res.statusCode, 400, `${what}: 400`);
    t.ok(typeof (res.json() as { message?: unknown }).message === 'string', `${what}: with a message`);
  }
  t.equal((await post('ids=a', 'text/plain')).statusCode, 400, 'a text/plain body is not an object → 400');
  t.equal((await post('ids=a', 'application/x-www-form-urlencoded')).statusCode, 415, 'a form body → 415');
  const notAcceptable = await app.inject({
    method: 'POST',
    url: '/sequence/metadata',
    payload: { ids: ['a'] },
    headers: { accept: 'embl/some_json' },
  });
  assertError(t, notAcceptable, 406, 'NOT_ACCEPTABLE', 'Accept embl/some_json');
});
