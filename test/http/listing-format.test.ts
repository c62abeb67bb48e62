// The listing writers: TSV escaping, RFC 4180 CSV quoting, format choice, and the body — a string
// for short listings, a Readable pulling one batch per read for long ones.
import t from 'tap';
import { Readable } from 'node:stream';
import { csvField, chooseListingFormat, listingBody, tsvField, type RowShape } from '../../src/http/listing-format.js';
import { AppError } from '../../src/errors.js';

interface Row {
  id: number;
  text: string;
}
const shape: RowShape<Row> = {
  columns: ['id', 'text'],
  cells: (r) => [r.id, r.text],
  json: (r) => ({ id: r.id, text: r.text }),
};

/** Batches of `size` rows up to `count`, counting how many batches were asked for. */
function source(
  count: number,
  size: number,
): { it: Generator<Row[], void, undefined>; pulled: () => number; returned: () => boolean } {
  let pulled = 0;
  let returned = true;
  const it = (function* () {
    returned = false;
    try {
      for (let i = 0; i < count; i += size) {
        pulled++;
        yield Array.from({ length: Math.min(size, count - i) }, (_, k) => ({ id: i + k, text: `row ${i + k}` }));
      }
    } finally {
      returned = true;
    }
  })();
  return { it, pulled: () => pulled, returned: () => returned };
}

async function readAll(body: string | Readable): Promise<string> {
  if (typeof body === 'string') return body;
  let text = '';
  for await (const chunk of body) text += String(chunk);
  return text;
}

t.test('TSV fields: backslash, tab, newline and CR are escaped; everything else is kept', async (t) => {
  t.equal(tsvField('plain'), 'plain');
  t.equal(tsvField('a\tb'), 'a\\tb');
  t.equal(tsvField('a\nb\r\n'), 'a\\nb\\r\\n');
  t.equal(tsvField('C:\\dir'), 'C:\\\\dir');
  t.equal(tsvField('\\t literal'), '\\\\t literal', 'a literal backslash-t stays distinguishable from a tab');
  t.equal(tsvField('a,"b"'), 'a,"b"', 'commas and quotes need nothing in TSV');
  t.equal(tsvField('ünïcode'), 'ünïcode');
  t.equal(tsvField(null), '');
  t.equal(tsvField(12), '12');
  t.equal(tsvField(false), 'false');
});

t.test('CSV fields: RFC 4180 quoting', async (t) => {
  t.equal(csvField('plain'), 'plain');
  t.equal(csvField('a,b'), '"a,b"');
  t.equal(csvField('say "hi"'), '"say ""hi"""');
  t.equal(csvField('two\nlines'), '"two\nlines"');
  t.equal(csvField('cr\r'), '"cr\r"');
  t.equal(csvField('tab\there'), 'tab\there', 'a tab needs no quoting in CSV');
  t.equal(csvField(''), '');
  t.equal(csvField(null), '');
  t.equal(csvField(true), 'true');
});

t.test('format choice: ?format= wins, else Accept, default JSON', async (t) => {
  t.equal(chooseListingFormat(undefined, undefined), 'json');
  t.equal(chooseListingFormat(undefined, 'text/csv'), 'csv');
  t.equal(chooseListingFormat(undefined, 'text/tab-separated-values'), 'tsv');
  t.equal(chooseListingFormat('tsv', 'text/csv'), 'tsv');
  t.throws(
    () => chooseListingFormat('TSV', undefined),
    new AppError('INVALID_PARAMETER', 'format must be one of json, tsv, csv'),
    'case matters',
  );
  t.throws(() => chooseListingFormat(undefined, 'image/png'), { code: 'NOT_ACCEPTABLE' });
});

t.test('short listings are one string; the JSON is the whole document', async (t) => {
  for (const count of [0, 1, 5, 9, 10]) {
    const body = listingBody('json', shape, { total: count, limit: 0, offset: 0 }, source(count, 5).it);
    t.type(body, 'string', `${count} rows: done within two batches of 5 → string`);
    t.same(JSON.parse(body as string), {
      total: count,
      limit: 0,
      offset: 0,
      results: Array.from({ length: count }, (_, i) => ({ id: i, text: `row ${i}` })),
    });
  }
  const extra = listingBody(
    'json',
    shape,
    { total: 1, limit: 1, offset: 0, extra: { collection: { digest: 'x' } } },
    source(1, 5).it,
  );
  t.same(
    JSON.parse(extra as string),
    { collection: { digest: 'x' }, total: 1, limit: 1, offset: 0, results: [{ id: 0, text: 'row 0' }] },
    'extra members first',
  );
  t.equal(listingBody('tsv', shape, { total: 0, limit: 0, offset: 0 }, source(0, 5).it), 'id\ttext\n', 'empty TSV: header only');
  t.equal(listingBody('csv', shape, { total: 1, limit: 0, offset: 0 }, source(1, 5).it), 'id,text\r\n0,row 0\r\n');
});

t.test('long listings stream: batches are pulled as the reader reads, and the result is complete', async (t) => {
  for (const format of ['json', 'tsv', 'csv'] as const) {
    const src = source(10_000, 100);
    const body = listingBody(format, shape, { total: 10_000, limit: 0, offset: 0 }, src.it);
    t.ok(body instanceof Readable, `${format}: a stream`);
    t.equal(src.pulled(), 3, `${format}: only three batches read before the body is consumed`);
    const text = await readAll(body);
    t.equal(src.pulled(), 100, `${format}: every batch read once`);
    if (format === 'json') {
      const doc = JSON.parse(text) as { results: Row[] };
      t.equal(doc.results.length, 10_000);
      t.same(doc.results[9_999], { id: 9_999, text: 'row 9999' });
    } else {
      const lines = text.split(format === 'csv' ? '\r\n' : '\n');
      t.equal(lines.length, 10_002, `${format}: header + rows + final empty`);
      t.equal(lines[10_000], format === 'csv' ? '9999,row 9999' : '9999\trow 9999');
    }
  }
});

t.test('a reader that stops early stops the batches; an error in a batch destroys the stream', async (t) => {
  const src = source(10_000, 100);
  const body = listingBody('tsv', shape, { total: 10_000, limit: 0, offset: 0 }, src.it) as Readable;
  body.read();
  body.destroy();
  await new Promise((r) => setImmediate(r));
  t.ok(src.returned(), 'generator closed');
  t.ok(src.pulled() < 100, 'not read to the end');

  const failing = (function* () {
    yield [{ id: 0, text: 'a' }];
    yield [{ id: 1, text: 'b' }];
    yield [{ id: 2, text: 'c' }];
    throw new Error('disk gone');
  })();
  const broken = listingBody('json', shape, { total: 4, limit: 0, offset: 0 }, failing) as Readable;
  await t.rejects(readAll(broken), /disk gone/);
  // An error in the first batches happens before any header is sent: the caller sees it.
  const early = (function* (): Generator<Row[], void, undefined> {
    throw new Error('at once');
  })();
  t.throws(() => listingBody('json', shape, { total: 0, limit: 0, offset: 0 }, early), /at once/);
});
