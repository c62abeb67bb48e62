// GET|HEAD /sequence/:id: §2.2 Accept negotiation (R6, R7), ?accept=, FASTA output and Vary. Shared expectations and apps: test/helpers/sequence-suite.ts.
import t from 'tap';
import {
  endOfSection,
  BROWSER_ACCEPT,
  FASTA_TYPE,
  IMMUTABLE,
  I_LEN,
  NAMES,
  NC_LEN,
  SEQ,
  SUITE_RANGE_ACCEPT,
  SUITE_SEQ_ACCEPT,
  assert416,
  assertError,
  assertSequence,
  circularApp,
  get,
  ids,
  path,
  sameBody,
  type Headers,
  type Name,
  type Test,
} from '../../helpers/sequence-suite.js';

// ---------------------------------------------------------------------------------------------
// §2.2 Accept negotiation (R6, R7).

t.test('§2.2 / R6: acceptable Accept headers give the default type', async (t) => {
  const accepts: (string | undefined)[] = [
    undefined,
    '',
    SUITE_SEQ_ACCEPT,
    SUITE_RANGE_ACCEPT,
    'text/vnd.ga4gh.refget.v1.0.1+plain',
    'text/vnd.ga4gh.refget.v2.0.0+plain',
    'text/vnd.ga4gh.refget.v2.0.0+plain; charset=us-ascii',
    'TEXT/VND.GA4GH.REFGET.V2.0.0+PLAIN',
    'text/plain',
    'text/plain; charset=us-ascii',
    'text/plain;charset=us-ascii',
    'text/*',
    '*/*',
    BROWSER_ACCEPT,
    'application/json;q=0.9, text/plain;q=0.1', // JSON is not offered: the lower-weighted plain wins
    'text/x-fasta;q=0.5, text/plain', // plain preferred over FASTA
    'text/*;q=0.2',
    'embl/some_json, */*;q=0.1',
  ];
  for (const accept of accepts) {
    const headers: Headers = accept === undefined ? {} : { accept };
    assertSequence(
      t,
      await get(circularApp, path('NC'), headers),
      { status: 200, body: SEQ.NC, acceptRanges: 'bytes' },
      `Accept: ${String(accept)}`,
    );
  }
  // With a subsequence too (the suite sends its list on start/end requests).
  assertSequence(
    t,
    await get(circularApp, `${path('I')}?start=10&end=20`, { accept: SUITE_SEQ_ACCEPT }),
    { status: 200, body: 'CCCACACACC', acceptRanges: 'none' },
    'suite accept + start/end',
  );
});

t.test('§2.2 / R7: unacceptable Accept headers → 406', async (t) => {
  const accepts = [
    'embl/some_json',
    'application/json',
    'application/vnd.ga4gh.refget.v2.0.0+json',
    'application/*',
    'text/html',
    'text/plain;q=0',
    '*/*;q=0',
    'text/vnd.ga4gh.refget.v3.0.0+plain',
    'image/png, application/xml;q=0.9',
  ];
  for (const accept of accepts) {
    const body = assertError(t, await get(circularApp, path('NC'), { accept }), 406, 'NOT_ACCEPTABLE', `Accept: ${accept}`);
    t.ok(Array.isArray(body.available), `${accept}: lists the available types`);
  }
  // 406 wins over the interval checks (Accept is step 3 of §2.4.5).
  assertError(
    t,
    await get(circularApp, `${path('I')}?start=abc`, { accept: 'embl/some_json' }),
    406,
    'NOT_ACCEPTABLE',
    'bad accept + bad start',
  );
  assertError(
    t,
    await get(circularApp, path('I'), { accept: 'embl/some_json', range: 'bytes=5-1' }),
    406,
    'NOT_ACCEPTABLE',
    'bad accept + bad range',
  );
});

t.test('§2.2: ?accept= overrides the Accept header', async (t) => {
  assertSequence(
    t,
    await get(circularApp, `${path('NC')}?accept=text/plain`, { accept: 'application/json' }),
    { status: 200, body: SEQ.NC, acceptRanges: 'bytes' },
    '?accept=text/plain over application/json',
  );
  assertSequence(
    t,
    await get(circularApp, `${path('NC')}?accept=text%2Fplain`, { accept: 'text/x-fasta' }),
    { status: 200, body: SEQ.NC, acceptRanges: 'bytes' },
    '?accept=text/plain over text/x-fasta',
  );
  assertSequence(
    t,
    await get(circularApp, `${path('I')}?accept=text/plain&start=10&end=20`, { accept: 'embl/some_json' }),
    { status: 200, body: 'CCCACACACC', acceptRanges: 'none' },
    '?accept with start/end',
  );
  assertError(
    t,
    await get(circularApp, `${path('NC')}?accept=application/json`),
    406,
    'NOT_ACCEPTABLE',
    '?accept=application/json',
  );
  assertError(
    t,
    await get(circularApp, `${path('NC')}?accept=embl/some_json`, { accept: 'text/plain' }),
    406,
    'NOT_ACCEPTABLE',
    '?accept wins even when it is worse',
  );
  const fasta = await get(circularApp, `${path('NC')}?accept=text/x-fasta`);
  t.equal(fasta.statusCode, 200);
  t.equal(fasta.headers['content-type'], FASTA_TYPE, '?accept=text/x-fasta gives FASTA');
});

// ---------------------------------------------------------------------------------------------
// FASTA (§2.2 item 5): formatting after selection, 60 columns, `>` header.

/** Checks a FASTA body: `>` header naming the sequence, 60-column lines, trailing newline. */
function assertFastaBody(t: Test, body: string, name: Name, expected: string, msg: string): void {
  const e = ids(name);
  t.ok(body.startsWith('>'), `${msg}: starts with >`);
  t.ok(body.endsWith('\n'), `${msg}: ends with a newline`);
  t.notMatch(body, /\r/, `${msg}: LF only`);
  const lines = body.split('\n');
  t.equal(lines.pop(), '', `${msg}: nothing after the last newline`);
  const header = lines.shift() ?? '';
  t.match(header, /^>\S/, `${msg}: header has an id right after >`);
  t.ok(header.includes(e.ga4gh), `${msg}: header names ${e.ga4gh}`);
  t.ok(header.includes(e.md5), `${msg}: header names the md5`);
  t.ok(header.includes(`${e.aliases[0]!.naming_authority}:${e.aliases[0]!.alias}`), `${msg}: header names the alias`);
  t.equal(lines.length, Math.ceil(expected.length / 60), `${msg}: line count`);
  const wrong = lines.findIndex((l, i) => (i < lines.length - 1 ? l.length !== 60 : l.length < 1 || l.length > 60));
  t.equal(wrong, -1, `${msg}: every line is 60 columns, the last 1–60`);
  sameBody(t, lines.join(''), expected, `${msg}: sequence`);
}

t.test('§2.2: text/x-fasta → FASTA, 60-column lines, applied after range selection', async (t) => {
  for (const name of NAMES) {
    const res = await get(circularApp, path(name), { accept: 'text/x-fasta' });
    t.equal(res.statusCode, 200, `${name} fasta status`);
    t.equal(res.headers['content-type'], FASTA_TYPE, `${name} fasta content-type`);
    t.equal(res.headers['content-length'], String(res.rawPayload.length), `${name} fasta content-length`);
    t.equal(res.headers['cache-control'], IMMUTABLE);
    t.notOk(res.headers['content-encoding']);
    assertFastaBody(t, res.body, name, SEQ[name], `${name} whole`);
  }
  // start/end: the selection is made on bases, then formatted.
  const sub = await get(circularApp, `${path('I')}?start=10&end=130`, { accept: 'text/x-fasta' });
  t.equal(sub.statusCode, 200);
  t.equal(sub.headers['accept-ranges'], 'none');
  t.equal(sub.headers['content-length'], String(sub.rawPayload.length));
  assertFastaBody(t, sub.body, 'I', SEQ.I.slice(10, 130), 'I 10-130 (two full lines)');
  const odd = await get(circularApp, `${path('I')}?start=7&end=200`, { accept: 'text/x-fasta' });
  assertFastaBody(t, odd.body, 'I', SEQ.I.slice(7, 200), 'I 7-200');
  // A circular wrap is formatted as one sequence.
  const wrap = await get(circularApp, `${path('NC')}?start=5380&end=25`, { accept: 'text/x-fasta' });
  t.equal(wrap.statusCode, 200);
  assertFastaBody(t, wrap.body, 'NC', 'CCTGCAGAGTTTTATCGCTTCCATGACGCAG', 'NC wrap');
  // Empty selection: only the header.
  const empty = await get(circularApp, `${path('I')}?start=10&end=10`, { accept: 'text/x-fasta' });
  t.equal(empty.statusCode, 200);
  t.match(empty.body, /^>[^\n]+\n$/, 'empty selection is the header alone');
  t.equal(empty.headers['content-length'], String(empty.rawPayload.length));
  // Range: the header and newlines are not counted (spec); Content-Range names the base bytes.
  const range = await get(circularApp, path('I'), { accept: 'text/x-fasta', range: 'bytes=10-19' });
  t.equal(range.statusCode, 206);
  t.equal(range.headers['content-type'], FASTA_TYPE);
  t.equal(range.headers['content-range'], `bytes 10-19/${I_LEN}`);
  t.equal(range.headers['content-length'], String(range.rawPayload.length));
  assertFastaBody(t, range.body, 'I', 'CCCACACACC', 'I bytes=10-19');
  const long = await get(circularApp, path('I'), { accept: 'text/x-fasta', range: 'bytes=100-999999' });
  t.equal(long.statusCode, 206);
  t.equal(long.headers['content-range'], `bytes 100-${I_LEN - 1}/${I_LEN}`);
  assertFastaBody(t, long.body, 'I', SEQ.I.slice(100), 'I bytes=100-999999');
  // FASTA has its own ETag: a cache must not answer a plain request with FASTA.
  const plain = await get(circularApp, path('I'));
  const fa = await get(circularApp, path('I'), { accept: 'text/x-fasta' });
  t.not(fa.headers.etag, plain.headers.etag, 'FASTA and plain ETags differ');
  // Errors are the same with FASTA.
  assertError(
    t,
    await get(circularApp, `${path('I')}?start=abc`, { accept: 'text/x-fasta' }),
    400,
    'INVALID_PARAMETER',
    'fasta + bad start',
  );
  assert416(
    t,
    await get(circularApp, path('NC'), { accept: 'text/x-fasta', range: 'bytes=5386-5390' }),
    NC_LEN,
    'fasta + unsatisfiable range',
  );
});

t.test('responses that depend on Accept say so with Vary: Accept (shared caches, immutable bodies)', async (t) => {
  for (const headers of [{}, { accept: 'text/x-fasta' }] as Headers[]) {
    const res = await get(circularApp, path('NC'), headers);
    t.equal(res.statusCode, 200);
    t.match(
      String(res.headers.vary ?? ''),
      /(?:^|,\s*)accept(?:\s*,|$)/i,
      `Vary lists Accept (${headers.accept ?? 'no Accept'})`,
    );
  }
});

endOfSection();
