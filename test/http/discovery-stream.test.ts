// A large listing over a real socket: 200,000 aliases stream from /aliases?limit=0 with the
// server's memory growing by far less than the body, every row present and in order. Expected
// bodies are generated here row by row and hashed, never held whole.
import t from 'tap';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { join } from 'node:path';
import { IngestSession, RUN_WIDE } from '../../src/store/ingest-session.js';
import { buildTestApp, tempDir } from '../helpers/sample-store.js';

const SEQUENCES = 2000;
const PER_SEQUENCE = 100;
const ALIASES = SEQUENCES * PER_SEQUENCE; // 200,000

interface SeqInfo {
  md5: string;
  ga4gh: string;
  length: number;
}

/** Distinct short sequences: the index in base 4, so every one differs. */
function sequenceOf(i: number): string {
  let s = 'GATTACA';
  for (let n = i; ; n = Math.floor(n / 4)) {
    s += 'ACGT'[n % 4];
    if (n < 4) break;
  }
  return s;
}
const aliasOf = (k: number): string => `contig_${String(k).padStart(7, '0')}_alt_haplotype_scaffold_placeholder_name`;

const seqs: SeqInfo[] = Array.from({ length: SEQUENCES }, (_, i) => {
  const seq = sequenceOf(i);
  return {
    md5: createHash('md5').update(seq).digest('hex'),
    ga4gh: createHash('sha512').update(seq).digest().subarray(0, 24).toString('base64url'),
    length: seq.length,
  };
});
const tsvRow = (k: number): string => {
  const s = seqs[Math.floor(k / PER_SEQUENCE)]!;
  return `${aliasOf(k)}\tbulk\t${s.md5}\tSQ.${s.ga4gh}\t${s.length}\n`;
};

/** md5, size and row count of the TSV the listing must produce for the aliases `keep` selects. */
function expectedTsv(keep: (k: number) => boolean = () => true): { md5: string; bytes: number; rows: number } {
  const header = 'alias\tnaming_authority\tmd5\tga4gh\tlength\n';
  const hash = createHash('md5').update(header);
  let bytes = header.length;
  let rows = 0;
  for (let k = 0; k < ALIASES; k++) {
    if (!keep(k)) continue;
    const line = tsvRow(k);
    hash.update(line);
    bytes += Buffer.byteLength(line);
    rows++;
  }
  return { md5: hash.digest('hex'), bytes, rows };
}

interface Fetched {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  md5: string;
  bytes: number;
  lines: number;
}

/** GET with node:http, hashing and counting lines as the body arrives (never holding it). */
function fetchCounting(url: string): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      const hash = createHash('md5');
      let bytes = 0;
      let lines = 0;
      res.on('data', (c: Buffer) => {
        hash.update(c);
        bytes += c.length;
        for (let i = c.indexOf(10); i !== -1; i = c.indexOf(10, i + 1)) lines++;
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, md5: hash.digest('hex'), bytes, lines }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

t.test('200,000 aliases stream with bounded server memory', async (t) => {
  const store = join(tempDir(t), 'store');
  const began = Date.now();
  const session = IngestSession.open(store);
  try {
    for (let i = 0; i < SEQUENCES; i++) {
      const { rowId } = session.addWholeSequence(Buffer.from(sequenceOf(i)), { md5: seqs[i]!.md5, ga4gh: seqs[i]!.ga4gh });
      for (let j = 0; j < PER_SEQUENCE; j++) session.addAlias(rowId, 'bulk', aliasOf(i * PER_SEQUENCE + j), RUN_WIDE);
    }
    session.commit();
  } catch (err) {
    session.rollback();
    throw err;
  }
  t.comment(`store with ${ALIASES} aliases built in ${Date.now() - began} ms`);
  // The expected bodies are computed before the app exists: long synchronous work while it runs
  // would (rightly) trip its overload guard (mean event-loop lag) and turn requests into 503s.
  const expected = expectedTsv();
  const prefix = 'contig_001'; // contig_0010000 … contig_0019999
  const filtered = expectedTsv((k) => aliasOf(k).startsWith(prefix));
  const pageAliases = Array.from({ length: 4321 }, (_, i) => aliasOf(123_457 + i));

  const app = await buildTestApp(t, store);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  const base = `http://127.0.0.1:${address.port}`;

  // Warm up (JIT, statement preparation, socket buffers) before the baseline.
  await fetchCounting(`${base}/aliases?limit=20000&format=tsv`);
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const heapBefore = process.memoryUsage().heapUsed;
  let rssPeak = rssBefore;
  let heapPeak = heapBefore;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    rssPeak = Math.max(rssPeak, m.rss);
    heapPeak = Math.max(heapPeak, m.heapUsed);
  }, 10);
  const fetchBegan = Date.now();
  const res = await fetchCounting(`${base}/aliases?limit=0&format=tsv`);
  const ms = Date.now() - fetchBegan;
  clearInterval(sampler);

  t.equal(res.status, 200);
  t.equal(res.headers['content-type'], 'text/tab-separated-values; charset=utf-8');
  t.equal(res.headers['x-total-count'], String(ALIASES));
  t.equal(res.headers['transfer-encoding'], 'chunked', 'streamed, not buffered');
  t.equal(res.lines, ALIASES + 1, 'header + 200,000 rows');
  t.equal(res.bytes, expected.bytes, 'body size');
  t.equal(res.md5, expected.md5, 'every row, in order, as generated');
  const mb = (n: number): string => (n / 1e6).toFixed(1);
  const rssGrowth = rssPeak - rssBefore;
  t.comment(
    `body ${mb(res.bytes)} MB in ${ms} ms; server process RSS ${mb(rssBefore)} → peak ${mb(rssPeak)} MB (+${mb(rssGrowth)} MB), heap used ${mb(heapBefore)} → peak ${mb(heapPeak)} MB`,
  );
  t.ok(
    rssGrowth < res.bytes / 2,
    `RSS grew by ${mb(rssGrowth)} MB while streaming ${mb(res.bytes)} MB (limit: half the body; buffering it costs ~170 MB)`,
  );

  // HEAD of the streamed listing: headers and total at once, without reading the rows.
  const headBegan = Date.now();
  const head = await new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
    request(`${base}/aliases?limit=0&format=tsv`, { method: 'HEAD' }, (r) => {
      r.resume();
      r.on('end', () => resolve({ status: r.statusCode!, headers: r.headers }));
    })
      .on('error', reject)
      .end();
  });
  t.equal(head.status, 200);
  t.equal(head.headers['x-total-count'], String(ALIASES), 'HEAD has the total');
  t.comment(`HEAD answered in ${Date.now() - headBegan} ms`);

  // The same rows through the keyset path with filters, across batch boundaries.
  t.equal(filtered.rows, 10_000, 'prefix selects 10,000 aliases');
  const byPrefix = await fetchCounting(`${base}/aliases?naming_authority=BULK&prefix=${prefix}&limit=0&format=tsv`);
  t.equal(byPrefix.md5, filtered.md5, 'authority + prefix, 10 batches: exact rows');
  t.equal(byPrefix.headers['x-total-count'], '10000');
  const noAuthority = await fetchCounting(`${base}/aliases?prefix=${prefix}&limit=0&format=tsv`);
  t.equal(noAuthority.md5, filtered.md5, 'prefix alone: exact rows');

  // Offset + limit spanning several batches, as JSON: every row as generated.
  const page = await app.inject({ url: '/aliases?offset=123457&limit=4321' });
  const json = page.json() as { total: number; results: { alias: string }[] };
  t.equal(json.total, ALIASES);
  t.same(
    json.results.map((r) => r.alias),
    pageAliases,
    'offset 123457, 4321 rows',
  );
  const tail = await app.inject({ url: `/aliases?offset=${ALIASES - 1500}&limit=0&format=csv` });
  t.equal(tail.body.split('\r\n').length, 1 + 1500 + 1, 'the last 1500 rows, then the end');
});
