// Screenshots of the browser pages for docs/web.md, taken in chromium on the bundled sample:
// `npx tsx scripts/web-screenshots.ts [--out docs/web]`. Needs /usr/bin/chromium.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { loadSampleIfEmpty } from '../src/cli/sample.js';
import { SequenceStore } from '../src/store/sequence-store.js';

const out = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1]! : 'docs/web';
mkdirSync(out, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'refget-shots-'));
await loadSampleIfEmpty(join(dir, 'store'));
const config = loadConfig({ store: join(dir, 'store'), logLevel: 'warn' }, {});
const app = await buildApp({ store: SequenceStore.open(config.storeDir), config, closeStore: true });
await app.listen({ host: '127.0.0.1', port: 0 });
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
await page.setViewport({ width: 1100, height: 900 });
const shot = async (name: string, url: string, before?: () => Promise<void>): Promise<void> => {
  await page.goto(`${base}${url}`);
  await page.waitForSelector('body[data-ready]');
  if (before !== undefined) await before();
  await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
  process.stdout.write(`${join(out, `${name}.png`)}\n`);
};
const a = 'XZlrcEGi6mlopZ2uD8ObHkQB1d0oDwKk'; // base.fa (seqcol spec fixtures)
await shot('start', '/ui/');
await shot('sequence', '/ui/sequence/insdc:NC_001422.1?start=5370&end=30');
await shot('collection', `/ui/collection/${a}`);
await shot('comparison', `/ui/compare/${a}/QvT5tAQ0B8Vkxd-qFftlzEk2QyfPtgOv`);
await shot('comparison-pasted', `/ui/collection/${a}`, async () => {
  await page.$eval('#pasted', (el) => ((el as unknown as { value: string }).value = 'chrX\t8\nchr1\t4\nchrM\t16569\n'));
  await page.click('#local-form button');
  await page.waitForSelector('#posted-result .verdict');
  await page.$eval('#local-form', (el) => el.scrollIntoView());
});
await browser.close();
await app.close();
rmSync(dir, { recursive: true, force: true });
