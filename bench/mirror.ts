// Pull-through mirroring of one chromosome-sized sequence (seeded, genome-like: soft-masked
// stretches, N runs, a few IUPAC codes; 250 Mbp by default): an upstream `refget serve` holds it,
// a mirror `refget serve --upstream` with an empty store is asked for it. Printed beside each
// other, in the same run: curl fetching it straight from the upstream (the baseline: the same
// bytes over the same loopback), curl through the mirror on the miss (fetch, verify, store,
// then serve), and curl through the mirror again (a local hit); the mirror's peak RSS during
// the miss; md5sum of every download. Needs `npm run build`, curl and md5sum.
//   npm run bench:mirror [-- --bases 250000000 --workers 1]
import { spawn as spawnAsync, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { option, processTreeRssMb, serveStore } from './cli.js';
import { rng, writeGenomeRecord } from './generate.js';

const bases = Number(option('--bases', '250000000'));
const workers = Number(option('--workers', '1'));
const dir = resolve(`bench/out/mirror-${bases}`);
const upstreamStore = join(dir, 'upstream-store');

/** The FASTA and the upstream store, made once per size; the md5 is md5sum's of the normalised bases. */
async function upstreamReady(): Promise<string> {
  const md5File = join(dir, 'md5');
  if (existsSync(md5File)) return readFileSync(md5File, 'utf8').trim();
  mkdirSync(dir, { recursive: true });
  const fasta = join(dir, 'chr.fa');
  const out = createWriteStream(fasta);
  await writeGenomeRecord(out, 'chr', bases, rng(250));
  out.end();
  await once(out, 'finish');
  const ingest = spawnSync('node', ['dist/cli/main.js', 'ingest', '--no-progress', '--store', upstreamStore, fasta], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (ingest.status !== 0) throw new Error('ingest failed');
  // md5 of the normalised sequence, by tools outside this project: drop the header and every
  // non-letter, upper-case, then md5sum.
  const r = spawnSync('bash', ['-c', `tail -n +2 '${fasta}' | tr -cd 'A-Za-z' | tr a-z A-Z | md5sum`], {
    encoding: 'utf8',
  });
  const md5 = r.stdout.split(' ')[0]!;
  writeFileSync(md5File, md5);
  rmSync(fasta);
  return md5;
}

/** Awaits `fn` while sampling the mirror's process tree RSS every 50 ms. */
async function withPeakRss<T>(pid: number, fn: () => Promise<T>): Promise<{ value: T; peakMb: number; baseMb: number }> {
  const baseMb = processTreeRssMb(pid).reduce((a, b) => a + b, 0);
  let peakMb = baseMb;
  const timer = setInterval(() => {
    peakMb = Math.max(
      peakMb,
      processTreeRssMb(pid).reduce((a, b) => a + b, 0),
    );
  }, 50);
  try {
    return { value: await fn(), peakMb, baseMb };
  } finally {
    clearInterval(timer);
  }
}

interface Fetched {
  seconds: number;
  bytes: number;
  md5: string;
  status: string;
}

/** curl to a file, in a child process that leaves this event loop free (the RSS sampler runs):
 * seconds and bytes as curl reports them, and the file's md5sum. */
function curl(url: string, file: string): Promise<Fetched> {
  return new Promise((resolveCurl) => {
    const child = spawnAsync('curl', ['-s', '-o', file, '-w', '%{http_code} %{size_download} %{time_total}', url]);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', () => {
      const [status, size, time] = out.trim().split(' ');
      const md5 = spawnSync('md5sum', [file], { encoding: 'utf8' }).stdout.split(' ')[0]!;
      rmSync(file, { force: true });
      resolveCurl({ seconds: Number(time), bytes: Number(size), md5, status: status ?? '' });
    });
  });
}

const md5 = await upstreamReady();
const mirrorStore = join(dir, 'mirror-store');
rmSync(mirrorStore, { recursive: true, force: true });
const upstream = await serveStore(upstreamStore, 1);
const mirror = await serveStore(mirrorStore, workers, ['--upstream', upstream.base, '--upstream-timeout', '120']);
try {
  const direct = await curl(`${upstream.base}/sequence/${md5}`, join(dir, 'direct.txt'));
  const miss = await withPeakRss(mirror.server.pid!, () => curl(`${mirror.base}/sequence/${md5}`, join(dir, 'miss.txt')));
  const hit = await curl(`${mirror.base}/sequence/${md5}`, join(dir, 'hit.txt'));
  const metrics = await (await fetch(`${mirror.base}/metrics`)).text();
  const line = (label: string, r: Fetched): string =>
    `${label.padEnd(34)} ${r.seconds.toFixed(2).padStart(7)} s  ${(r.bytes / 1e6 / r.seconds).toFixed(0).padStart(5)} MB/s  HTTP ${r.status}  md5 ${r.md5 === md5 ? 'ok' : `WRONG ${r.md5}`}`;
  console.log(
    `mirror of one ${bases.toLocaleString('en')}-base sequence; ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ` +
      `mirror workers ${workers}, ${new Date().toISOString().slice(0, 10)}`,
  );
  console.log(line('curl from the upstream (baseline)', direct));
  console.log(line('curl through the mirror: miss', miss.value));
  console.log(line('curl through the mirror: hit', hit));
  console.log(`mirror RSS: ${miss.baseMb} MB before the miss, peak ${miss.peakMb} MB during it (all its processes)`);
  console.log(`expected md5 (md5sum of the normalised FASTA): ${md5}`);
  console.log(
    metrics
      .split('\n')
      .filter((l) => /^refget_(mirror|upstream)_/.test(l))
      .join('\n'),
  );
} finally {
  mirror.server.kill('SIGTERM');
  upstream.server.kill('SIGTERM');
}
