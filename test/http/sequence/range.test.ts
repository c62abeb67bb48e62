// GET|HEAD /sequence/:id: §2.4.3 Range (R9, R10): rows in both circular modes, any Accept, no wrap, Range with start/end. Shared expectations and apps: test/helpers/sequence-suite.ts.
import t from 'tap';
import {
  endOfSection,
  BROWSER_ACCEPT,
  I_LEN,
  MODES,
  NC_LEN,
  SEQ,
  SUITE_RANGE_ACCEPT,
  SUITE_SEQ_ACCEPT,
  assert416,
  assertError,
  assertSequence,
  circularApp,
  get,
  path,
  type Name,
} from '../../helpers/sequence-suite.js';

// ---------------------------------------------------------------------------------------------
// §2.4.3 Range (R9, R10).

type RangeOutcome = { status: 206; first: number; last: number } | { status: 400 | 416 };
interface RangeRow {
  name: Name;
  range: string;
  expect: RangeOutcome;
}

const RANGE_ROWS: RangeRow[] = [
  { name: 'I', range: 'bytes=10-19', expect: { status: 206, first: 10, last: 19 } },
  { name: 'I', range: 'bytes=10-230217', expect: { status: 206, first: 10, last: 230217 } },
  { name: 'I', range: 'bytes=10-999999', expect: { status: 206, first: 10, last: 230217 } },
  { name: 'I', range: 'bytes=0-230217', expect: { status: 206, first: 0, last: 230217 } },
  { name: 'I', range: 'bytes=0-999999', expect: { status: 206, first: 0, last: 230217 } },
  { name: 'I', range: 'bytes=0-0', expect: { status: 206, first: 0, last: 0 } },
  { name: 'I', range: 'bytes=230217-230217', expect: { status: 206, first: 230217, last: 230217 } },
  { name: 'I', range: 'bytes=230217-99999999999999999999', expect: { status: 206, first: 230217, last: 230217 } },
  { name: 'NC', range: 'bytes=5385-5385', expect: { status: 206, first: 5385, last: 5385 } },
  { name: 'NC', range: ' bytes=5-14 ', expect: { status: 206, first: 5, last: 14 } },
  { name: 'I', range: 'units=20-30', expect: { status: 400 } },
  { name: 'I', range: 'bytes=ab-19', expect: { status: 400 } },
  { name: 'I', range: 'bytes=-10--19', expect: { status: 400 } },
  { name: 'I', range: 'bytes=10--19', expect: { status: 400 } },
  { name: 'I', range: 'bytes=-10-', expect: { status: 400 } },
  { name: 'I', range: 'bytes==10-19', expect: { status: 400 } },
  { name: 'I', range: 'bytes=0-1,5-6', expect: { status: 400 } },
  // One-sided (RFC 9110 §14.1.2): to the end, and the last n bytes (all of them when n ≥ L).
  { name: 'I', range: 'bytes=10-', expect: { status: 206, first: 10, last: 230217 } },
  { name: 'I', range: 'bytes=230217-', expect: { status: 206, first: 230217, last: 230217 } },
  { name: 'I', range: 'bytes=-10', expect: { status: 206, first: 230208, last: 230217 } },
  { name: 'NC', range: 'bytes=-5386', expect: { status: 206, first: 0, last: 5385 } },
  { name: 'NC', range: 'bytes=-99999999999999999999', expect: { status: 206, first: 0, last: 5385 } },
  { name: 'NC', range: 'BYTES=5380-', expect: { status: 206, first: 5380, last: 5385 } },
  { name: 'NC', range: 'bytes=5386-', expect: { status: 416 } },
  { name: 'NC', range: 'bytes=-0', expect: { status: 416 } },
  { name: 'I', range: 'bytes=-', expect: { status: 400 } },
  { name: 'I', range: 'bytes=10-,20-', expect: { status: 400 } },
  { name: 'I', range: 'bytes=-10,-5', expect: { status: 400 } },
  { name: 'I', range: 'bytes=- 10', expect: { status: 400 } },
  { name: 'I', range: 'bytes=', expect: { status: 400 } },
  { name: 'I', range: '', expect: { status: 400 } },
  { name: 'NC', range: 'bytes=5200-19', expect: { status: 416 } },
  { name: 'NC', range: 'bytes=59-50', expect: { status: 416 } },
  { name: 'NC', range: 'bytes=5385-5382', expect: { status: 416 } },
  { name: 'NC', range: 'bytes=5387-5391', expect: { status: 416 } },
  { name: 'NC', range: 'bytes=5386-5387', expect: { status: 416 } },
  { name: 'NC', range: 'bytes=9999-99999', expect: { status: 416 } },
  { name: 'I', range: 'bytes=230218-230218', expect: { status: 416 } },
];

t.test('§2.4.3 / R9: Range rows (suite Accept: v1.0.0 only), both circular modes', async (t) => {
  for (const mode of MODES) {
    for (const row of RANGE_ROWS) {
      const label = `${mode.label} ${row.name} Range: '${row.range}'`;
      const res = await get(mode.app, path(row.name), { accept: SUITE_RANGE_ACCEPT, range: row.range });
      const len = SEQ[row.name].length;
      if (row.expect.status === 206) {
        const { first, last } = row.expect;
        assertSequence(
          t,
          res,
          {
            status: 206,
            body: SEQ[row.name].slice(first, last + 1),
            acceptRanges: 'bytes',
            contentRange: `bytes ${first}-${last}/${len}`,
          },
          label,
        );
      } else if (row.expect.status === 416) {
        const body = assertError(t, res, 416, 'RANGE_NOT_SATISFIABLE', label);
        t.ok(body, label);
        t.equal(res.headers['content-range'], `bytes */${len}`, `${label}: content-range */L`);
      } else {
        assertError(t, res, 400, 'INVALID_RANGE', label);
        t.notOk(res.headers['content-range'], `${label}: no content-range on 400`);
      }
    }
  }
  // The spec's literal examples on I.
  assertSequence(
    t,
    await get(circularApp, path('I'), { range: 'bytes=10-19' }),
    { status: 206, body: 'CCCACACACC', acceptRanges: 'bytes', contentRange: `bytes 10-19/${I_LEN}` },
    'spec bytes=10-19',
  );
  // Range bytes=a-b equals ?start=a&end=b+1.
  const viaRange = await get(circularApp, path('VI'), { range: 'bytes=1000-1999' });
  const viaQuery = await get(circularApp, `${path('VI')}?start=1000&end=2000`);
  t.equal(viaRange.body, viaQuery.body, 'bytes=1000-1999 == ?start=1000&end=2000');
  t.equal(viaRange.body, SEQ.VI.slice(1000, 2000));
  // The range unit is case-insensitive (RFC 9110 §14.1).
  t.equal((await get(circularApp, path('I'), { range: 'BYTES=10-19' })).statusCode, 206, 'BYTES=10-19');
});

t.test('§2.4.3: Range + any Accept the suite or a browser sends', async (t) => {
  for (const accept of [SUITE_RANGE_ACCEPT, SUITE_SEQ_ACCEPT, '*/*', BROWSER_ACCEPT, 'text/plain']) {
    const res = await get(circularApp, path('I'), { accept, range: 'bytes=10-19' });
    assertSequence(
      t,
      res,
      { status: 206, body: 'CCCACACACC', acceptRanges: 'bytes', contentRange: `bytes 10-19/${I_LEN}` },
      accept,
    );
  }
});

t.test('§2.4.2: Range never wraps a circular sequence', async (t) => {
  assert416(t, await get(circularApp, path('NC'), { range: 'bytes=5380-24' }), NC_LEN, 'NC bytes=5380-24');
});

t.test('§2.4.5 step 4 / R10: Range together with start or end → 400', async (t) => {
  for (const mode of MODES) {
    for (const q of ['start=10', 'end=20', 'start=10&end=20', 'start=abc', 'start=', 'start=5386&end=5']) {
      const res = await get(mode.app, `${path('NC')}?${q}`, { range: 'bytes=10-19' });
      assertError(t, res, 400, 'RANGE_WITH_QUERY', `${mode.label} Range + ?${q}`);
    }
    // Even when the Range alone would be 416.
    assertError(
      t,
      await get(mode.app, `${path('NC')}?start=1`, { range: 'bytes=9999-99999' }),
      400,
      'RANGE_WITH_QUERY',
      `${mode.label} 416 range + start`,
    );
  }
});

endOfSection();
