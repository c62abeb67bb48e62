// start/end and Range → interval, row by row against spec §2.4.1, §2.4.3, §2.4.5 and §2.9 R8–R10/R13.
import t from 'tap';
import { AppError } from '../../src/errors.js';
import {
  contentRange,
  resolveInterval,
  unsatisfiedContentRange,
  type IntervalInput,
  type RequestedInterval,
} from '../../src/http/interval.js';

// The compliance sequences (test/fixtures/refget): I is linear, NC (phiX174) is circular.
const I_LEN = 230218;
const NC_LEN = 5386;
const MODES = [true, false] as const; // circularSupported

interface Req {
  start?: unknown;
  end?: unknown;
  range?: string;
}

type Outcome =
  | { ok: true; start: number; end: number; kind: RequestedInterval['kind']; wraps: boolean; bytes: number }
  | { ok: false; code: string; details: Record<string, unknown> | undefined };

function run(
  req: Req,
  seq: { length: number; circular: boolean },
  circularSupported: boolean,
  subsequenceLimit: number | null = null,
): Outcome {
  const input: IntervalInput = {
    start: req.start,
    end: req.end,
    range: req.range,
    length: seq.length,
    circular: seq.circular,
    circularSupported,
    subsequenceLimit,
  };
  try {
    const r = resolveInterval(input);
    // Bytes the handler will send: seq[start:end], or seq[start:] + seq[:end] for a wrap.
    const bytes = r.wraps ? seq.length - r.start + r.end : r.end - r.start;
    return { ok: true, start: r.start, end: r.end, kind: r.kind, wraps: r.wraps, bytes };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, code: err.code, details: err.details };
    throw err;
  }
}

const I = { length: I_LEN, circular: false };
const NC = { length: NC_LEN, circular: true };

/** Expected success: 200 for start/end (kind 'query'), 206 for Range (kind 'range'). */
const ok = (start: number, end: number, bytes: number, kind: RequestedInterval['kind'], wraps = false) => ({
  ok: true,
  start,
  end,
  kind,
  wraps,
  bytes,
});
const fail = (code: string) => ({ ok: false, code });

t.test('§2.4.1 start/end rows on I (L=230218, linear), both circular modes', async (t) => {
  for (const cs of MODES) {
    const m = `circularSupported=${cs}`;
    t.hasStrict(run({ start: '10', end: '10' }, I, cs), ok(10, 10, 0, 'query'), `?start=10&end=10 → 200 empty (${m})`);
    t.hasStrict(run({ start: '10', end: '20' }, I, cs), ok(10, 20, 10, 'query'), `?start=10&end=20 → 200 CCCACACACC (${m})`);
    t.hasStrict(run({ start: '10', end: '11' }, I, cs), ok(10, 11, 1, 'query'), `?start=10&end=11 → 1 byte (${m})`);
    t.hasStrict(run({ start: '230208' }, I, cs), ok(230208, I_LEN, 10, 'query'), `?start=230208 → 10 bytes (${m})`);
    t.hasStrict(run({ end: '5' }, I, cs), ok(0, 5, 5, 'query'), `?end=5 → CCACA (${m})`);
    t.hasStrict(
      run({ start: '230217', end: '230218' }, I, cs),
      ok(230217, 230218, 1, 'query'),
      `?start=230217&end=230218 → G (${m})`,
    );
    t.hasStrict(run({ start: '0' }, I, cs), ok(0, I_LEN, I_LEN, 'query'), `?start=0 → whole, still 200 query (${m})`);
    // `?&end=230218`: the empty leading pair leaves start undefined.
    t.hasStrict(run({ start: undefined, end: '230218' }, I, cs), ok(0, I_LEN, I_LEN, 'query'), `?&end=230218 (${m})`);
    t.hasStrict(run({ start: '0', end: '230218' }, I, cs), ok(0, I_LEN, 230218, 'query'), `?start=0&end=230218 (${m})`);
    t.hasStrict(run({ start: '1', end: '230218' }, I, cs), ok(1, I_LEN, 230217, 'query'), `?start=1&end=230218 (${m})`);
    t.hasStrict(run({ start: '230217' }, I, cs), ok(230217, I_LEN, 1, 'query'), `?start=230217 → 1 byte (${m})`);
    t.hasStrict(run({ end: '0' }, I, cs), ok(0, 0, 0, 'query'), `?end=0 → 200 empty (${m})`);
    t.hasStrict(run({ start: 'abc', end: '20' }, I, cs), fail('INVALID_PARAMETER'), `?start=abc&end=20 → 400 (${m})`);
    t.hasStrict(run({ start: '-10', end: '-29' }, I, cs), fail('INVALID_PARAMETER'), `?start=-10&end=-29 → 400 (${m})`);
    t.hasStrict(run({ start: 'abc' }, I, cs), fail('INVALID_PARAMETER'), `?start=abc → 400 (${m})`);
  }
});

t.test('§2.4.1 out-of-bounds rows on NC (L=5386, circular), both circular modes', async (t) => {
  for (const cs of MODES) {
    const m = `circularSupported=${cs}`;
    t.hasStrict(run({ start: '67', end: '5387' }, NC, cs), fail('RANGE_NOT_SATISFIABLE'), `?start=67&end=5387 → 416 (${m})`);
    // Bounds come before the 501 check: 416 even without circular support.
    t.hasStrict(run({ start: '5386', end: '5375' }, NC, cs), fail('RANGE_NOT_SATISFIABLE'), `?start=5386&end=5375 → 416 (${m})`);
    t.hasStrict(
      run({ start: '5386', end: '5386' }, NC, cs),
      fail('RANGE_NOT_SATISFIABLE'),
      `?start=5386&end=5386 → 416, not empty 200 (${m})`,
    );
    t.hasStrict(run({ start: '5386', end: '5' }, NC, cs), fail('RANGE_NOT_SATISFIABLE'), `?start=5386&end=5 → 416 (${m})`);
  }
});

t.test('§2.4.1 start > end rows depend on circular support', async (t) => {
  t.hasStrict(
    run({ start: '220218', end: '671' }, I, false),
    fail('CIRCULAR_UNSUPPORTED'),
    'I ?start=220218&end=671, unsupported → 501',
  );
  t.hasStrict(run({ start: '20', end: '4' }, NC, false), fail('CIRCULAR_UNSUPPORTED'), 'NC ?start=20&end=4, unsupported → 501');
  t.hasStrict(
    run({ start: '220218', end: '671' }, I, true),
    fail('RANGE_NOT_SATISFIABLE'),
    'I ?start=220218&end=671, supported, I linear → 416',
  );
  t.hasStrict(
    run({ start: '5374', end: '5' }, NC, true),
    ok(5374, 5, 17, 'query', true),
    'NC ?start=5374&end=5 → ATCCAACCTGCAGAGTT (17)',
  );
  t.hasStrict(
    run({ start: '5374', end: '0' }, NC, true),
    ok(5374, 0, 12, 'query', true),
    'NC ?start=5374&end=0 → ATCCAACCTGCA (12)',
  );
  t.hasStrict(run({ start: '5380', end: '25' }, NC, true), ok(5380, 25, 31, 'query', true), 'NC ?start=5380&end=25 → 31 bytes');
  // A non-wrapping request on a circular sequence is an ordinary subsequence.
  t.hasStrict(run({ start: '20', end: '24' }, NC, true), ok(20, 24, 4, 'query', false));
  t.hasStrict(run({ start: '20', end: '24' }, NC, false), ok(20, 24, 4, 'query', false));
  t.hasStrict(run({ start: '7', end: '7' }, NC, true), ok(7, 7, 0, 'query', false), 'start == end never wraps');
});

t.test('§2.4.1 bounds mapping bullets', async (t) => {
  for (const cs of MODES) {
    const m = `circularSupported=${cs}`;
    t.hasStrict(run({ start: '230219' }, I, cs), fail('INVALID_PARAMETER'), `start > L → 400 (${m})`);
    t.hasStrict(run({ start: '230219', end: '230218' }, I, cs), fail('INVALID_PARAMETER'), `start > L with end → 400 (${m})`);
    t.hasStrict(run({ start: '230219', end: '230220' }, I, cs), fail('INVALID_PARAMETER'), `start > L beats end > L (${m})`);
    t.hasStrict(run({ start: '4294967295' }, I, cs), fail('INVALID_PARAMETER'), `uint32 max start > L → 400 (${m})`);
    t.hasStrict(run({ start: '230218' }, I, cs), fail('RANGE_NOT_SATISFIABLE'), `?start=L → 416 (${m})`);
    t.hasStrict(run({ start: '230218', end: '230218' }, I, cs), fail('RANGE_NOT_SATISFIABLE'), `start == end == L → 416 (${m})`);
    t.hasStrict(
      run({ start: '230218', end: '5' }, I, cs),
      fail('RANGE_NOT_SATISFIABLE'),
      `start == L > end → 416 before 501 (${m})`,
    );
    t.hasStrict(run({ end: '230219' }, I, cs), fail('RANGE_NOT_SATISFIABLE'), `end > L → 416 (${m})`);
    t.hasStrict(run({ start: '0', end: '230219' }, I, cs), fail('RANGE_NOT_SATISFIABLE'), `end = L+1 → 416 (${m})`);
    t.hasStrict(
      run({ end: '4294967295' }, I, cs),
      fail('RANGE_NOT_SATISFIABLE'),
      `uint32 max end passes syntax, then 416 (${m})`,
    );
    t.hasStrict(run({ start: '230220', end: '5' }, NC, cs), fail('INVALID_PARAMETER'), `start > L on NC → 400 (${m})`);
    t.hasStrict(run({ start: '5387' }, NC, cs), fail('INVALID_PARAMETER'), `NC start = L+1 → 400 (${m})`);
    t.hasStrict(run({ start: '5385' }, NC, cs), ok(5385, 5386, 1, 'query'), `NC last base (${m})`);
  }
});

t.test('start/end syntax: only ^[0-9]+$ up to 4294967295 (spec §2.4.1)', async (t) => {
  const bad: unknown[] = [
    '',
    ' ',
    '-1',
    '+1',
    '1.0',
    '1e3',
    '0x10',
    ' 1',
    '1 ',
    'abc',
    '١٢', // Arabic-Indic digits: not ASCII [0-9]
    '4294967296',
    '99999999999999999999999',
    ['1', '2'], // ?start=1&start=2
    ['1'],
    [],
    5, // never a raw query value; anything but a string is refused
    null,
  ];
  for (const value of bad) {
    const label = JSON.stringify(value);
    t.hasStrict(run({ start: value }, I, true), fail('INVALID_PARAMETER'), `start=${label} → 400`);
    t.hasStrict(run({ end: value }, I, true), fail('INVALID_PARAMETER'), `end=${label} → 400`);
    t.hasStrict(run({ start: '5', end: value }, I, true), fail('INVALID_PARAMETER'), `start=5&end=${label} → 400`);
  }
  // The largest uint32 is valid syntax; with a long enough sequence it resolves.
  const huge = { length: 5_000_000_000, circular: false };
  t.hasStrict(run({ start: '4294967295' }, huge, true), ok(4294967295, 5_000_000_000, 5_000_000_000 - 4294967295, 'query'));
  t.hasStrict(run({ start: '4294967296' }, huge, true), fail('INVALID_PARAMETER'), 'one more than uint32 max');
  t.hasStrict(run({ start: '007', end: '010' }, I, true), ok(7, 10, 3, 'query'), 'leading zeros are digits');
  // Syntax is judged before any bounds check.
  t.hasStrict(run({ start: 'abc', end: '999999999' }, I, true), fail('INVALID_PARAMETER'));
  t.hasStrict(run({ start: '230218', end: 'x' }, I, true), fail('INVALID_PARAMETER'));
  t.hasStrict(run({ start: '5', end: '-1' }, NC, false), fail('INVALID_PARAMETER'), 'not 501');
  t.hasStrict(run({ start: 'abc' }, I, true), { details: { parameter: 'start' } });
  t.hasStrict(run({ end: 'abc' }, I, true), { details: { parameter: 'end' } });
});

t.test('§2.4.3 Range rows on I (L=230218)', async (t) => {
  for (const cs of MODES) {
    const m = `circularSupported=${cs}`;
    t.hasStrict(run({ range: 'bytes=10-19' }, I, cs), ok(10, 20, 10, 'range'), `bytes=10-19 → 206 CCCACACACC (${m})`);
    t.hasStrict(run({ range: 'bytes=10-230217' }, I, cs), ok(10, I_LEN, 230208, 'range'), `bytes=10-230217 (${m})`);
    t.hasStrict(run({ range: 'bytes=10-999999' }, I, cs), ok(10, I_LEN, 230208, 'range'), `bytes=10-999999 clamped (${m})`);
    t.hasStrict(run({ range: 'bytes=0-230217' }, I, cs), ok(0, I_LEN, 230218, 'range'), `bytes=0-230217 → 206, not 200 (${m})`);
    t.hasStrict(run({ range: 'bytes=0-999999' }, I, cs), ok(0, I_LEN, 230218, 'range'), `bytes=0-999999 → 206 (${m})`);
    t.hasStrict(run({ range: 'bytes=0-0' }, I, cs), ok(0, 1, 1, 'range'), `bytes=0-0 (${m})`);
    t.hasStrict(run({ range: 'bytes=230217-230217' }, I, cs), ok(230217, 230218, 1, 'range'), `bytes=230217-230217 (${m})`);
    t.hasStrict(run({ range: 'bytes=230218-230218' }, I, cs), fail('RANGE_NOT_SATISFIABLE'), `first == L (${m})`);
  }
});

t.test('one-sided Range (RFC 9110 §14.1.2): bytes=first- and bytes=-count, never a wrap', async (t) => {
  for (const cs of MODES) {
    const m = `circularSupported=${cs}`;
    t.hasStrict(run({ range: 'bytes=10-' }, I, cs), ok(10, I_LEN, I_LEN - 10, 'range'), `bytes=10- to the end (${m})`);
    t.hasStrict(run({ range: 'bytes=0-' }, I, cs), ok(0, I_LEN, I_LEN, 'range'), `bytes=0- is the whole, as 206 (${m})`);
    t.hasStrict(run({ range: 'bytes=-10' }, I, cs), ok(I_LEN - 10, I_LEN, 10, 'range'), `bytes=-10 the last 10 (${m})`);
    t.hasStrict(run({ range: 'bytes=-230218' }, I, cs), ok(0, I_LEN, I_LEN, 'range'), `suffix == L (${m})`);
    t.hasStrict(run({ range: 'bytes=-230219' }, I, cs), ok(0, I_LEN, I_LEN, 'range'), `suffix > L: everything (${m})`);
    t.hasStrict(run({ range: 'bytes=-0' }, I, cs), fail('RANGE_NOT_SATISFIABLE'), `bytes=-0 selects nothing (${m})`);
    t.hasStrict(run({ range: 'bytes=230218-' }, I, cs), fail('RANGE_NOT_SATISFIABLE'), `first == L (${m})`);
    t.hasStrict(run({ range: 'bytes=5380-' }, NC, cs), ok(5380, NC_LEN, 6, 'range'), `circular, no wrap (${m})`);
    // The subsequence limit counts what a one-sided range selects.
    t.hasStrict(run({ range: 'bytes=10-' }, I, cs, 100), fail('RANGE_NOT_SATISFIABLE'), `limit (${m})`);
    t.hasStrict(run({ range: 'bytes=-100' }, I, cs, 100), ok(I_LEN - 100, I_LEN, 100, 'range'), `suffix at the limit (${m})`);
    t.hasStrict(run({ range: 'bytes=-101' }, I, cs, 100), fail('RANGE_NOT_SATISFIABLE'), `suffix over the limit (${m})`);
  }
});

t.test('§2.4.3 malformed Range → 400, on both sequences and both modes', async (t) => {
  const malformed = [
    'units=20-30',
    'bytes=ab-19',
    'bytes=-10--19',
    'bytes=10--19',
    'bytes=-10-',
    'bytes==10-19',
    // recommended-parser consequences
    'bytes=0-1,5-6',
    'bytes=10-19,',
    'bytes=-',
    'bytes=10-,-5',
    'bytes=--10',
    'bytes=-+10',
    'bytes=',
    'bytes',
    '',
    '   ',
    '10-19',
    'bytes = 10-19',
    'bytes=10 - 19',
    'bytes=+10-19',
    'bytes=1.0-19',
    'bytes=0x10-19',
    'items=10-19',
  ];
  for (const seq of [I, NC]) {
    for (const cs of MODES) {
      for (const range of malformed) {
        t.hasStrict(run({ range }, seq, cs), fail('INVALID_RANGE'), `L=${seq.length} cs=${cs} ${JSON.stringify(range)} → 400`);
      }
    }
  }
});

t.test('§2.4.3 unsatisfiable Range → 416 with details.length (NC, L=5386)', async (t) => {
  for (const cs of MODES) {
    const m = `circularSupported=${cs}`;
    // first > last
    for (const range of ['bytes=5200-19', 'bytes=59-50', 'bytes=5385-5382']) {
      t.hasStrict(
        run({ range }, NC, cs),
        { ok: false, code: 'RANGE_NOT_SATISFIABLE', details: { length: NC_LEN } },
        `${range} (${m})`,
      );
    }
    // first ≥ L
    for (const range of ['bytes=5387-5391', 'bytes=5386-5387', 'bytes=9999-99999']) {
      t.hasStrict(
        run({ range }, NC, cs),
        { ok: false, code: 'RANGE_NOT_SATISFIABLE', details: { length: NC_LEN } },
        `${range} (${m})`,
      );
    }
    // Range never wraps, even on a circular sequence with circular support.
    t.hasStrict(run({ range: 'bytes=5380-24' }, NC, cs), fail('RANGE_NOT_SATISFIABLE'), `no wrap via Range (${m})`);
    t.hasStrict(run({ range: 'bytes=5380-5385' }, NC, cs), ok(5380, 5386, 6, 'range'), `in-bounds Range on NC (${m})`);
    t.hasStrict(run({ range: 'bytes=5380-99999' }, NC, cs), ok(5380, 5386, 6, 'range'), `clamped on NC (${m})`);
  }
  t.hasStrict(run({ range: 'bytes=5200-19' }, I, true), fail('RANGE_NOT_SATISFIABLE'), 'first > last on I too');
  t.hasStrict(run({ range: 'bytes=999999999999999999999999-1' }, I, true), fail('RANGE_NOT_SATISFIABLE'), 'huge first');
  t.hasStrict(run({ range: 'bytes=5-999999999999999999999999' }, I, true), ok(5, I_LEN, I_LEN - 5, 'range'), 'huge last clamps');
});

t.test('Range parsing details', async (t) => {
  t.hasStrict(run({ range: '  bytes=10-19  ' }, I, true), ok(10, 20, 10, 'range'), 'surrounding whitespace is trimmed');
  t.hasStrict(run({ range: 'Bytes=10-19' }, I, true), ok(10, 20, 10, 'range'), 'the unit is case-insensitive (RFC 9110 §14.1)');
  t.hasStrict(run({ range: 'BYTES=10-19' }, I, true), ok(10, 20, 10, 'range'));
  t.hasStrict(run({ range: 'bytes=007-009' }, I, true), ok(7, 10, 3, 'range'), 'leading zeros');
});

t.test('R10 / step 4: Range together with start or end → 400 RANGE_WITH_QUERY', async (t) => {
  for (const cs of MODES) {
    t.hasStrict(run({ range: 'bytes=10-19', start: '10' }, I, cs), fail('RANGE_WITH_QUERY'));
    t.hasStrict(run({ range: 'bytes=10-19', end: '20' }, I, cs), fail('RANGE_WITH_QUERY'));
    t.hasStrict(run({ range: 'bytes=10-19', start: '10', end: '20' }, I, cs), fail('RANGE_WITH_QUERY'));
    // Presence alone counts, and it is checked before either side's syntax or bounds.
    t.hasStrict(run({ range: 'bytes=10-19', start: '' }, I, cs), fail('RANGE_WITH_QUERY'), 'empty start value');
    t.hasStrict(run({ range: 'bytes=10-19', start: 'abc' }, I, cs), fail('RANGE_WITH_QUERY'), 'bad start');
    t.hasStrict(run({ range: 'bytes=10-19', start: ['1', '2'] }, I, cs), fail('RANGE_WITH_QUERY'), 'repeated start');
    t.hasStrict(run({ range: 'units=1-2', end: '5' }, I, cs), fail('RANGE_WITH_QUERY'), 'bad Range');
    t.hasStrict(run({ range: 'bytes=9999-99999', start: '5' }, NC, cs), fail('RANGE_WITH_QUERY'), 'unsatisfiable Range');
    t.hasStrict(run({ range: 'bytes=0-1', start: '20', end: '4' }, NC, cs), fail('RANGE_WITH_QUERY'), 'before 501/wrap');
  }
});

t.test('step 7: no subsequence requested → whole sequence', async (t) => {
  for (const cs of MODES) {
    t.hasStrict(run({}, I, cs), ok(0, I_LEN, I_LEN, 'whole'));
    t.hasStrict(run({}, NC, cs), ok(0, NC_LEN, NC_LEN, 'whole'));
  }
});

t.test('R13: subsequence limit', async (t) => {
  // Query: a result exactly at the limit passes, one more base is 416.
  t.hasStrict(run({ start: '10', end: '20' }, I, true, 10), ok(10, 20, 10, 'query'));
  t.hasStrict(run({ start: '10', end: '21' }, I, true, 10), {
    ok: false,
    code: 'RANGE_NOT_SATISFIABLE',
    details: { length: I_LEN, subsequenceLimit: 10 },
  });
  t.hasStrict(run({ start: '230208' }, I, true, 10), ok(230208, I_LEN, 10, 'query'), 'defaulted end counts');
  t.hasStrict(run({ start: '230207' }, I, true, 10), fail('RANGE_NOT_SATISFIABLE'));
  t.hasStrict(run({ start: '0' }, I, true, 10), fail('RANGE_NOT_SATISFIABLE'), '?start=0 is a subsequence request');
  t.hasStrict(run({ end: '11' }, I, true, 10), fail('RANGE_NOT_SATISFIABLE'));
  t.hasStrict(run({ start: '5', end: '5' }, I, true, 1), ok(5, 5, 0, 'query'), 'empty result is under any limit');
  // Range: limit applies after clamping.
  t.hasStrict(run({ range: 'bytes=10-19' }, I, true, 10), ok(10, 20, 10, 'range'));
  t.hasStrict(run({ range: 'bytes=10-20' }, I, true, 10), fail('RANGE_NOT_SATISFIABLE'));
  t.hasStrict(run({ range: 'bytes=230210-999999' }, I, true, 10), ok(230210, I_LEN, 8, 'range'), 'clamped length counts');
  t.hasStrict(run({ range: 'bytes=0-999999' }, I, true, 230218), ok(0, I_LEN, I_LEN, 'range'));
  t.hasStrict(run({ range: 'bytes=0-999999' }, I, true, 230217), fail('RANGE_NOT_SATISFIABLE'));
  // Circular: the wrapped length counts.
  t.hasStrict(run({ start: '5374', end: '5' }, NC, true, 17), ok(5374, 5, 17, 'query', true));
  t.hasStrict(run({ start: '5374', end: '5' }, NC, true, 16), {
    ok: false,
    code: 'RANGE_NOT_SATISFIABLE',
    details: { length: NC_LEN },
  });
  t.hasStrict(run({ start: '5380', end: '25' }, NC, true, 20), fail('RANGE_NOT_SATISFIABLE'), '31 wrapped bases > 20');
  // The whole sequence is never limited.
  t.hasStrict(run({}, I, true, 10), ok(0, I_LEN, I_LEN, 'whole'));
  // Earlier checks keep their own codes when the limit would also fail.
  t.hasStrict(run({ start: '20', end: '4' }, NC, false, 1), fail('CIRCULAR_UNSUPPORTED'));
  t.hasStrict(run({ start: 'x' }, I, true, 1), fail('INVALID_PARAMETER'));
  t.hasStrict(run({ range: 'bytes=x-1' }, I, true, 1), fail('INVALID_RANGE'));
  // null, 0 and negatives mean unlimited; the compliance-suite-sized limit passes the whole of I.
  for (const limit of [null, 0, -1, 0.5, 270161]) {
    t.hasStrict(run({ start: '0' }, I, true, limit), ok(0, I_LEN, I_LEN, 'query'), `limit ${String(limit)}`);
    t.hasStrict(run({ range: 'bytes=0-999999' }, I, true, limit), ok(0, I_LEN, I_LEN, 'range'), `limit ${String(limit)} (Range)`);
    t.hasStrict(
      run({ start: '5380', end: '25' }, NC, true, limit),
      ok(5380, 25, 31, 'query', true),
      `limit ${String(limit)} (wrap)`,
    );
  }
});

t.test('416 from start/end also carries details.length for Content-Range: bytes */L', async (t) => {
  t.hasStrict(run({ start: '67', end: '5387' }, NC, true), { details: { length: NC_LEN } });
  t.hasStrict(run({ start: '5386' }, NC, false), { details: { length: NC_LEN } });
  t.hasStrict(run({ start: '220218', end: '671' }, I, true), { details: { length: I_LEN } });
});

t.test('empty sequence (L=0): documented edge case', async (t) => {
  const EMPTY = { length: 0, circular: false };
  for (const cs of MODES) {
    t.hasStrict(run({}, EMPTY, cs), ok(0, 0, 0, 'whole'));
    // start=0 addresses the whole (empty) sequence, as ?start=0 does everywhere: 200 empty.
    t.hasStrict(run({ start: '0', end: '0' }, EMPTY, cs), ok(0, 0, 0, 'query'));
    t.hasStrict(run({ start: '0' }, EMPTY, cs), ok(0, 0, 0, 'query'));
    t.hasStrict(run({ end: '0' }, EMPTY, cs), ok(0, 0, 0, 'query'));
    t.hasStrict(run({ start: '0' }, EMPTY, cs, 5), ok(0, 0, 0, 'query'), 'limit irrelevant');
    t.hasStrict(run({ start: '1' }, EMPTY, cs), fail('INVALID_PARAMETER'), 'start > L is still 400');
    t.hasStrict(run({ start: '1', end: '0' }, EMPTY, cs), fail('INVALID_PARAMETER'));
    t.hasStrict(run({ end: '1' }, EMPTY, cs), fail('RANGE_NOT_SATISFIABLE'), 'end > L is still 416');
    // No byte of an empty sequence exists, so every Range is unsatisfiable.
    t.hasStrict(run({ range: 'bytes=0-0' }, EMPTY, cs), { ok: false, code: 'RANGE_NOT_SATISFIABLE', details: { length: 0 } });
    t.hasStrict(run({ range: 'bytes=0-999' }, EMPTY, cs), fail('RANGE_NOT_SATISFIABLE'));
    t.hasStrict(run({ range: 'bytes=x' }, EMPTY, cs), fail('INVALID_RANGE'));
    t.hasStrict(run({ range: 'bytes=0-' }, EMPTY, cs), fail('RANGE_NOT_SATISFIABLE'), 'one-sided too');
    t.hasStrict(run({ range: 'bytes=-5' }, EMPTY, cs), fail('RANGE_NOT_SATISFIABLE'), 'suffix too');
  }
  // A one-base sequence keeps the ordinary rule: start == L → 416.
  const ONE = { length: 1, circular: true };
  t.hasStrict(run({ start: '1', end: '1' }, ONE, true), fail('RANGE_NOT_SATISFIABLE'));
  t.hasStrict(run({ start: '0', end: '1' }, ONE, true), ok(0, 1, 1, 'query'));
});

t.test('spec §2.4.3 example: Range and start/end select the same bases', async (t) => {
  const SEQ = 'CAACAGAGACTGCTGCTGACAGTGGGCGGGGGAGTAGTTTGCTTGGCCCGTGGTTGAGGA';
  const seq = { length: SEQ.length, circular: false };
  const slice = (req: Req): string => {
    const r = resolveInterval({
      start: req.start,
      end: req.end,
      range: req.range,
      length: SEQ.length,
      circular: false,
      circularSupported: true,
      subsequenceLimit: null,
    });
    return SEQ.slice(r.start, r.end);
  };
  t.equal(slice({ range: 'bytes=5-14' }), 'GAGACTGCTG');
  t.equal(slice({ start: '5', end: '15' }), 'GAGACTGCTG');
  t.equal(slice({ range: 'bytes=0-0' }), 'C');
  t.equal(slice({ start: '0', end: '1' }), 'C');
  t.hasStrict(run({ range: 'bytes=5-14' }, seq, true), { kind: 'range' }, 'Range → 206');
  t.hasStrict(run({ start: '5', end: '15' }, seq, true), { kind: 'query' }, 'start/end → 200, never 206');
});

t.test('resolveInterval rejects a nonsensical length (programmer error)', async (t) => {
  const base = {
    start: undefined,
    end: undefined,
    range: undefined,
    circular: false,
    circularSupported: true,
    subsequenceLimit: null,
  };
  t.throws(() => resolveInterval({ ...base, length: -1 }), RangeError);
  t.throws(() => resolveInterval({ ...base, length: 1.5 }), RangeError);
  t.throws(() => resolveInterval({ ...base, length: Number.NaN }), RangeError);
});

t.test('contentRange / unsatisfiedContentRange (R9)', async (t) => {
  const r = (range: string, seq: { length: number; circular: boolean }) =>
    resolveInterval({
      start: undefined,
      end: undefined,
      range,
      length: seq.length,
      circular: seq.circular,
      circularSupported: true,
      subsequenceLimit: null,
    });
  t.equal(contentRange(r('bytes=10-19', I), I_LEN), 'bytes 10-19/230218');
  t.equal(contentRange(r('bytes=0-0', I), I_LEN), 'bytes 0-0/230218');
  t.equal(contentRange(r('bytes=0-999999', I), I_LEN), 'bytes 0-230217/230218', 'reports the clamped last byte');
  t.equal(contentRange(r('bytes=10-999999', I), I_LEN), 'bytes 10-230217/230218');
  t.equal(contentRange(r('bytes=230217-230217', I), I_LEN), 'bytes 230217-230217/230218');
  t.equal(contentRange(r('bytes=5380-99999', NC), NC_LEN), 'bytes 5380-5385/5386');
  t.equal(unsatisfiedContentRange(NC_LEN), 'bytes */5386');
  t.equal(unsatisfiedContentRange(0), 'bytes */0');
  t.throws(
    () => contentRange({ start: 5374, end: 5, kind: 'query', wraps: true }, NC_LEN),
    RangeError,
    'a wrap is not one byte range',
  );
  t.throws(() => contentRange({ start: 10, end: 10, kind: 'query', wraps: false }, I_LEN), RangeError, 'empty');
});
