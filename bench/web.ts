// `npm run bench:web`: the browser pages' load times in chromium (puppeteer-core), on two
// collections of 100,000 records (bench/scale-data.ts, seeded) served by `refget serve` with one
// worker: the start page, a collection's first and last member pages, a sequence page, and the
// comparison of the two. Baseline in the same run: the JSON request each page is built on,
// fetched alone. Each figure is the median of --rounds loads. Needs `npm run build` and
// /usr/bin/chromium. Usage: tsx bench/web.ts [--records 100000] [--rounds 5]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import puppeteer from 'puppeteer-core';
import { benchEnv, option, serveStore } from './cli.js';
import { writeScaleFasta } from './scale-data.js';

const records = Number(option('--records', '100000'));
const rounds = Number(option('--rounds', '5'));
const dir = resolve('bench/out/web');
const store = join(dir, `store-${records}`);
const cli = resolve('dist/cli/main.js');

if (!existsSync(join(store, 'ready'))) {
  rmSync(store, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const [a, b] = [join(dir, 'a.fa'), join(dir, 'b.fa')];
  await writeScaleFasta(a, b, records, 11);
  for (const [file, name] of [
    [a, 'A'],
    [b, 'B'],
  ] as const) {
    execFileSync('node', [cli, 'ingest', '--no-progress', '--store', store, '--collection-name', name, file], { env: benchEnv });
  }
  rmSync(a);
  rmSync(b);
  writeFileSync(join(store, 'ready'), '');
}
const sql = (query: string): string =>
  execFileSync('sqlite3', [join(store, 'index.sqlite3'), query], { encoding: 'utf8' }).trim();
const [digestA, digestB] = sql('SELECT digest FROM collections ORDER BY id').split('\n');
const someMd5 = sql(`SELECT md5 FROM sequences WHERE id = ${Math.floor(records / 2)}`);

const { server, base } = await serveStore(store);
const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();

const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
async function pageMs(path: string): Promise<number> {
  const started = performance.now();
  await page.goto(`${base}${path}`);
  await page.waitForSelector('body[data-ready]', { timeout: 60_000 });
  return performance.now() - started;
}
async function apiMs(path: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${base}${path}`);
  await res.arrayBuffer();
  return performance.now() - started;
}

const cases: [label: string, pagePath: string, apiPath: string][] = [
  ['start page', '/ui/', '/collections?limit=100'],
  ['collection A, first 100 members', `/ui/collection/${digestA}`, `/collections/${digestA}/sequences?limit=100`],
  [
    'collection A, last 100 members',
    `/ui/collection/${digestA}?offset=${records - 100}`,
    `/collections/${digestA}/sequences?limit=100&offset=${records - 100}`,
  ],
  ['a sequence', `/ui/sequence/${someMd5}`, `/sequence/${someMd5}/metadata`],
  ['comparison A vs B', `/ui/compare/${digestA}/${digestB}`, `/comparison/${digestA}/${digestB}`],
];
const figures: Record<string, { pageMs: number; apiMs: number }> = {};
for (const [label, pagePath, apiPath] of cases) {
  await pageMs(pagePath); // warm: the first comparison of two collections is not what a page costs each time
  const pages: number[] = [];
  const apis: number[] = [];
  for (let i = 0; i < rounds; i++) {
    pages.push(await pageMs(pagePath));
    apis.push(await apiMs(apiPath));
  }
  figures[label] = { pageMs: Math.round(median(pages)), apiMs: Math.round(median(apis)) };
}
await browser.close();
server.kill('SIGTERM');
await once(server, 'exit');
process.stdout.write(
  `${JSON.stringify({ records, rounds, machine: `${(await import('node:os')).cpus().length} cores`, figures }, null, 2)}\n`,
);
