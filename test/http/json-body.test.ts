// JSON request bodies: deep nesting is a 400 (it overflowed the stack and answered 500), invalid
// JSON a 400, a body over the limit a 413; each in the project's error shape. jsonDepth's own
// answers are checked against hand-counted inputs, strings included.
import t from 'tap';
import { jsonDepth, MAX_JSON_DEPTH } from '../../src/http/json-body.js';
import { buildTestApp, sampleStore } from '../helpers/sample-store.js';

t.test('jsonDepth', async (t) => {
  t.equal(jsonDepth('1'), 0);
  t.equal(jsonDepth('[]'), 1);
  t.equal(jsonDepth('{"a":[1,{"b":[]}]}'), 4);
  t.equal(jsonDepth('["[[[[", "\\"[[["]'), 1, 'brackets inside strings (and escaped quotes) do not count');
  t.equal(jsonDepth('['.repeat(1000)), MAX_JSON_DEPTH + 1, 'stops counting past the limit');
});

t.test('POST bodies that are too deep, invalid or too large', async (t) => {
  const app = await buildTestApp(t, await sampleStore(t));
  const post = (url: string, payload: string) =>
    app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload });
  for (const url of ['/comparison/XZlrcEGi6mlopZ2uD8ObHkQB1d0oDwKk', '/sequence/metadata']) {
    const deep = await post(url, `${'['.repeat(400_000)}${']'.repeat(400_000)}`);
    t.equal(deep.statusCode, 400, `${url}: 400,000 nested arrays`);
    t.same(deep.json(), { error: 'BAD_REQUEST', message: `the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels` });
    const deepObject = await post(url, `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`);
    t.equal(deepObject.statusCode, 400, `${url}: nested objects`);
    const bad = await post(url, '{"names": [1,');
    t.equal(bad.statusCode, 400, `${url}: invalid JSON`);
    t.same(bad.json(), { error: 'BAD_REQUEST', message: 'the body is not valid JSON' });
    const big = await post(url, `{"ids": [${'"x",'.repeat(1_100_000)}"x"]}`);
    t.equal(big.statusCode, 413, `${url}: over 4 MiB`);
    t.notMatch(big.body, /\n\s+at /, 'no stack');
  }
  const ok = await post(
    '/comparison/XZlrcEGi6mlopZ2uD8ObHkQB1d0oDwKk',
    JSON.stringify({ names: ['a'], lengths: [1], sequences: ['SQ.x'] }),
  );
  t.equal(ok.statusCode, 200, 'a normal body still works');
});
