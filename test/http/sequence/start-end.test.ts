// GET|HEAD /sequence/:id: §2.4.1 start/end (R8) in both circular modes; §2.3 no 206 for start/end. Shared expectations and apps: test/helpers/sequence-suite.ts.
import t from 'tap';
import {
  endOfSection,
  MODES,
  SEQ,
  SUITE_SEQ_ACCEPT,
  assertError,
  assertSequence,
  circularApp,
  get,
  path,
  type Name,
} from '../../helpers/sequence-suite.js';

// ---------------------------------------------------------------------------------------------
// §2.4.1 start/end (R8), both circular modes.

type Outcome = { status: 200; body: string } | { status: 400 | 416 | 501 };
interface QueryRow {
  name: Name;
  query: string;
  supported: Outcome;
  unsupported: Outcome;
}

const ok = (body: string): Outcome => ({ status: 200, body });
const both = (o: Outcome): Pick<QueryRow, 'supported' | 'unsupported'> => ({ supported: o, unsupported: o });

const QUERY_ROWS: QueryRow[] = [
  { name: 'I', query: 'start=10&end=10', ...both(ok('')) },
  { name: 'I', query: 'start=10&end=20', ...both(ok('CCCACACACC')) },
  { name: 'I', query: 'start=10&end=11', ...both(ok(SEQ.I.slice(10, 11))) },
  { name: 'I', query: 'start=230208', ...both(ok(SEQ.I.slice(230208))) },
  { name: 'I', query: 'end=5', ...both(ok('CCACA')) },
  { name: 'I', query: 'start=230217&end=230218', ...both(ok('G')) },
  { name: 'I', query: 'start=0', ...both(ok(SEQ.I)) },
  { name: 'I', query: '&end=230218', ...both(ok(SEQ.I)) },
  { name: 'I', query: 'start=0&end=230218', ...both(ok(SEQ.I)) },
  { name: 'I', query: 'start=1&end=230218', ...both(ok(SEQ.I.slice(1))) },
  { name: 'I', query: 'start=230217', ...both(ok(SEQ.I.slice(230217))) },
  { name: 'I', query: 'end=0', ...both(ok('')) },
  { name: 'I', query: 'start=0&end=0', ...both(ok('')) },
  { name: 'I', query: 'end=230218&start=230217', ...both(ok('G')) },
  // 400: syntax (only ^[0-9]+$ ≤ 2^32-1) and start > L.
  { name: 'I', query: 'start=abc&end=20', ...both({ status: 400 }) },
  { name: 'I', query: 'start=-10&end=-29', ...both({ status: 400 }) },
  { name: 'I', query: 'start=abc', ...both({ status: 400 }) },
  { name: 'I', query: 'end=abc', ...both({ status: 400 }) },
  { name: 'I', query: 'start=-1', ...both({ status: 400 }) },
  { name: 'I', query: 'start=%2B1', ...both({ status: 400 }) }, // '+1'
  { name: 'I', query: 'start=+1', ...both({ status: 400 }) }, // ' 1'
  { name: 'I', query: 'start=1.0', ...both({ status: 400 }) },
  { name: 'I', query: 'start=0x10', ...both({ status: 400 }) },
  { name: 'I', query: 'start=1e3', ...both({ status: 400 }) },
  { name: 'I', query: 'start=', ...both({ status: 400 }) },
  { name: 'I', query: 'end=', ...both({ status: 400 }) },
  { name: 'I', query: 'start=1&start=2', ...both({ status: 400 }) },
  { name: 'I', query: 'end=4294967296', ...both({ status: 400 }) },
  { name: 'I', query: 'start=230219', ...both({ status: 400 }) }, // start > L (spec MUST)
  { name: 'I', query: 'start=4294967295&end=4294967295', ...both({ status: 400 }) },
  // 416: bounds (before the circular checks).
  { name: 'NC', query: 'start=67&end=5387', ...both({ status: 416 }) },
  { name: 'NC', query: 'start=5386&end=5375', ...both({ status: 416 }) },
  { name: 'NC', query: 'start=5386&end=5386', ...both({ status: 416 }) },
  { name: 'NC', query: 'start=5386&end=5', ...both({ status: 416 }) },
  { name: 'NC', query: 'start=5386', ...both({ status: 416 }) },
  { name: 'I', query: 'start=230218', ...both({ status: 416 }) },
  { name: 'I', query: 'end=230219', ...both({ status: 416 }) },
  { name: 'I', query: 'start=0&end=4294967295', ...both({ status: 416 }) },
  // start > end: 501 without circular support; 416 on a linear sequence; a wrap on a circular one.
  { name: 'I', query: 'start=220218&end=671', supported: { status: 416 }, unsupported: { status: 501 } },
  { name: 'I', query: 'start=20&end=10', supported: { status: 416 }, unsupported: { status: 501 } },
  { name: 'NC', query: 'start=20&end=4', supported: ok(SEQ.NC.slice(20) + SEQ.NC.slice(0, 4)), unsupported: { status: 501 } },
  { name: 'NC', query: 'start=5374&end=5', supported: ok('ATCCAACCTGCAGAGTT'), unsupported: { status: 501 } },
  { name: 'NC', query: 'start=5374&end=0', supported: ok('ATCCAACCTGCA'), unsupported: { status: 501 } },
  { name: 'NC', query: 'start=5380&end=25', supported: ok('CCTGCAGAGTTTTATCGCTTCCATGACGCAG'), unsupported: { status: 501 } },
  {
    name: 'NC',
    query: 'start=5385&end=5384',
    supported: ok(SEQ.NC.slice(5385) + SEQ.NC.slice(0, 5384)),
    unsupported: { status: 501 },
  },
];

const ERROR_CODE: Record<400 | 416 | 501, string[]> = {
  400: ['INVALID_PARAMETER'],
  416: ['RANGE_NOT_SATISFIABLE'],
  501: ['CIRCULAR_UNSUPPORTED'],
};

t.test('§2.4.1 / R8: start/end rows, both circular modes', async (t) => {
  // Cross-check the spec's literal circular strings against the FASTA.
  t.equal(SEQ.NC.slice(5374) + SEQ.NC.slice(0, 0), 'ATCCAACCTGCA');
  t.equal(SEQ.NC.slice(5380) + SEQ.NC.slice(0, 25), 'CCTGCAGAGTTTTATCGCTTCCATGACGCAG');
  for (const mode of MODES) {
    for (const row of QUERY_ROWS) {
      const expected = mode.circular ? row.supported : row.unsupported;
      const label = `${mode.label} ${row.name} ?${row.query}`;
      const res = await get(mode.app, `${path(row.name)}?${row.query}`, { accept: SUITE_SEQ_ACCEPT });
      if (expected.status === 200) {
        assertSequence(t, res, { status: 200, body: expected.body, acceptRanges: 'none' }, label);
      } else {
        const body = assertError(t, res, expected.status, undefined, label);
        t.ok(ERROR_CODE[expected.status].includes(String(body.error)), `${label}: error code ${String(body.error)}`);
        if (expected.status === 416)
          t.equal(res.headers['content-range'], `bytes */${SEQ[row.name].length}`, `${label}: content-range`);
        t.notOk(res.headers['accept-ranges'], `${label}: no accept-ranges on error`);
      }
    }
  }
});

t.test('§2.3: start/end never gives 206, even for the whole sequence', async (t) => {
  for (const q of ['start=0', 'end=230218', 'start=0&end=230218']) {
    const res = await get(circularApp, `${path('I')}?${q}`);
    t.equal(res.statusCode, 200, q);
    t.equal(res.headers['accept-ranges'], 'none', `${q}: Accept-Ranges: none`);
  }
});

endOfSection();
