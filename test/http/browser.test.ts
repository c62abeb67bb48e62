/// <reference lib="dom" />
// The browser pages in a real browser: Debian's chromium driven by puppeteer-core against a real
// server on the bundled sample. Lands on the start page, searches, opens a sequence (its bases
// checked against the fixture FASTA) and a collection, and reaches a comparison with its verdict
// and picture (the seqcol spec's base.fa vs different_names.fa). Page load times are printed.
// Skipped with a message when chromium is not installed (.ci/run installs it).
import t from 'tap';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTestApp, sampleStore, tempDir, FIXTURES } from '../helpers/sample-store.js';
import { EXPECTED } from '../helpers/refget-expected.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const digests = JSON.parse(readFileSync(join(FIXTURES, 'seqcol', 'test_fasta', 'test_fasta_digests.json'), 'utf8')) as Record<
  string,
  { top_level_digest: string }
>;
const fixtureSeq = (file: string): string =>
  readFileSync(join(FIXTURES, 'refget', file), 'latin1')
    .split('\n')
    .filter((l) => !l.startsWith('>'))
    .join('')
    .replace(/[^A-Za-z]/g, '')
    .toUpperCase();

t.test('the pages in chromium', { skip: hasChromium ? false : `${CHROMIUM} is not installed` }, async (t) => {
  const { default: puppeteer } = await import('puppeteer-core');
  const store = await sampleStore(t);
  const app = await buildTestApp(t, store);
  const tokens = join(tempDir(t), 'tokens.tsv');
  writeFileSync(tokens, `tok-lab\t${digests['subset.fa']!.top_level_digest}\n`, { mode: 0o600 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  const base = `http://127.0.0.1:${address.port}`;
  /** This test's servers: a request anywhere else is a page loading something from another host. */
  const ours = [base];
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'], headless: true });
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  const external: string[] = [];
  page.on('request', (req) => {
    if (!ours.some((b) => req.url().startsWith(`${b}/`))) external.push(req.url());
  });
  const times: Record<string, number> = {};
  const open = async (label: string, url: string): Promise<void> => {
    const started = performance.now();
    await page.goto(url);
    await page.waitForSelector('body[data-ready]', { timeout: 10_000 });
    times[label] = Math.round(performance.now() - started);
  };
  const text = (selector: string): Promise<string> => page.$eval(selector, (el) => el.textContent ?? '');

  await open('start', `${base}/ui/`);
  t.match(await text('main'), /6 sequences \(505,781 bases\) in 9 collections/, 'what the server holds');
  const collectionLinks = await page.$$eval('main table a', (as) => as.length);
  t.equal(collectionLinks, 9, 'a link to every collection');
  t.match(
    await text('#client-lines'),
    `export REF_PATH='${base}/sequence/%s'`,
    'client lines name the URL the page was reached at',
  );

  // Search by a bare alias: one hit opens the sequence page.
  await page.type('#q', 'BK006935.2');
  const started = performance.now();
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  await page.waitForFunction(() => document.title.startsWith('Sequence'), { timeout: 10_000 });
  await page.waitForSelector('#region pre', { timeout: 10_000 });
  times['search → sequence'] = Math.round(performance.now() - started);
  const I = EXPECTED.I;
  t.equal(await text('h1'), I.ga4gh, 'the sequence page of I');
  const facts = await text('dl.facts');
  for (const value of [I.md5, I.trunc512, '230,218 bases']) t.ok(facts.includes(value), `shows ${value}`);
  t.match(await text('main'), /insdc\s*BK006935\.2/, 'its alias');
  const chrI = fixtureSeq('I.faa');
  const firstLine = await page.$eval('#region pre div', (el) => el.textContent ?? '');
  t.equal(firstLine, `0${chrI.slice(0, 60)}`, 'bases from 0, with their coordinate');
  // A region at the end, through the form.
  await page.$eval('#start', (el) => ((el as HTMLInputElement).value = '230200'));
  await page.$eval('#end', (el) => ((el as HTMLInputElement).value = '230218'));
  await page.click('.region-form button');
  await page.waitForFunction(() => document.querySelector('#region [role=status]')?.textContent?.includes('18 bases'));
  t.equal(
    await page.$eval('#region pre div', (el) => el.textContent ?? ''),
    `230,200${chrI.slice(230200)}`,
    'the region [230200, 230218)',
  );

  // Its collection.
  await Promise.all([page.waitForNavigation(), page.click('main table a[href*="collection/"]')]);
  await page.waitForSelector('body[data-ready]');
  t.match(await text('main'), /Level-1 digests/, 'a collection page');
  t.match(await text('main'), /230,218/, 'with its member');

  // A comparison from the spec's fixtures: same sequences, different names.
  const a = digests['base.fa']!.top_level_digest;
  const b = digests['different_names.fa']!.top_level_digest;
  await open('comparison', `${base}/ui/compare/${a}/${b}`);
  t.equal(await text('.verdict'), 'Same sequences, different names.', 'the verdict');
  t.equal(await page.$$eval('svg', (s) => s.length), 2, 'counts and members pictures');
  t.equal(await page.$$eval('svg line', (l) => l.length), 3, 'three members joined by sequence');

  // The verdicts of the spec's other comparison fixtures.
  for (const [file, expected] of [
    ['subset.fa', /^B is a subset of A: all 2 of B's sequences are in A \(A has 3\)\.$/],
    ['different_order.fa', /^Same sequences and names, in a different order\.$/],
    ['pair_swap.fa', /names go with different sequences: do not mix these/],
    ['swap_wo_coords.fa', /names go with different sequences: do not mix these/],
  ] as const) {
    await open(`compare ${file}`, `${base}/ui/compare/${a}/${digests[file]!.top_level_digest}`);
    t.match(await text('.verdict'), expected, `base.fa vs ${file}`);
  }

  // Your own assembly, pasted on a collection page: a chrom.sizes, then a FASTA (digested here).
  await open('collection', `${base}/ui/collection/${a}`);
  const paste = async (content: string): Promise<string> => {
    await page.$eval('#pasted', (el, v) => ((el as HTMLTextAreaElement).value = v), content);
    await page.click('#local-form button');
    await page.waitForSelector('#posted-result .verdict, #posted-result .error', { timeout: 10_000 });
    const verdict = await text('#posted-result');
    await page.$eval('#posted-result', (el) => el.replaceChildren());
    return verdict;
  };
  t.match(
    await paste('chrX\t8\nchr1\t4\nchr2\t4\n'),
    /^Same names and lengths \(the sequences themselves were not compared\)/,
    'chrom.sizes',
  );
  t.match(
    await paste('chrX\t8\nchrM\t4\n'),
    /Names and lengths differ: 1 name–length pairs in common/,
    'a different chrom.sizes',
  );
  const baseFasta = readFileSync(join(FIXTURES, 'seqcol', 'test_fasta', 'base.fa'), 'utf8');
  t.match(await paste(baseFasta), /^The same sequences under the same names, in the same order\./, 'the FASTA itself');
  t.match(await paste('chrX\t8\nchr1\tx\n'), /Line 2: expected a name and a length/, 'a bad line is named');

  // A page for something that does not exist.
  await open('missing', `${base}/ui/sequence/${'0'.repeat(32)}`);
  t.match(await text('main'), /Not found/);

  // Markup typed into the search box stays text.
  await open('hostile search', `${base}/ui/search?q=${encodeURIComponent('<img src=x onerror="window.pwned=1">')}`);
  t.equal(await page.$$eval('main img', (i) => i.length), 0, 'no element injected');
  t.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);

  // A private collection: hidden without a token, shown after the token is given in the page.
  const privateApp = await buildTestApp(t, store, { tokensFile: tokens });
  await privateApp.listen({ host: '127.0.0.1', port: 0 });
  const privateBase = `http://127.0.0.1:${(privateApp.server.address() as { port: number }).port}`;
  ours.push(privateBase);
  const hiddenDigest = digests['subset.fa']!.top_level_digest;
  await open('private start', `${privateBase}/ui/`);
  t.match(await text('main'), /in 8 collections/, 'without a token: 8 collections');
  t.notOk((await text('main')).includes(hiddenDigest), 'the private one is not shown');
  await page.click('#token-box summary');
  await page.type('#token', 'tok-lab');
  await Promise.all([page.waitForNavigation(), page.click('#token-form button[type=submit]')]);
  await page.waitForSelector('body[data-ready]');
  t.match(await text('main'), /in 9 collections/, 'with the token: 9');
  t.ok((await text('main')).includes(hiddenDigest), 'and the private one is listed');
  await page.click('#token-box summary');
  await Promise.all([page.waitForNavigation(), page.click('#token-clear')]);
  await page.waitForSelector('body[data-ready]');
  t.match(await text('main'), /in 8 collections/, 'forgotten: 8 again');

  t.same(errors, [], 'no script errors');
  t.same(external, [], 'nothing requested from another host');
  t.comment(`page load times (ms, sample store): ${JSON.stringify(times)}`);
});
