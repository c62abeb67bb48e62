// Shared machinery of the reliability experiments: a seeded PRNG, generated genomes
// with independently computed digests, the real CLI as a child process, store snapshots (bytes
// and rows), process memory from /proc, and a CLI server on 127.0.0.1. Used by the quick tests
// (test/reliability/*.test.ts) and the long runs (scripts/reliability/*.ts) alike.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

// ---- randomness ---------------------------------------------------------------------------

/** A small, fast, seedable PRNG (mulberry32): every experiment prints its seed for replay. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const randomSeed = (): number => Math.floor(Math.random() * 0x7fffffff);
export const randInt = (rand: () => number, lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));

// ---- digests (node:crypto on the normalised text, independent of the ingest's own code) -----

export const md5Hex = (b: Buffer | string): string => createHash('md5').update(b).digest('hex');
export const ga4ghOf = (b: Buffer | string): string =>
  `SQ.${createHash('sha512').update(b).digest().subarray(0, 24).toString('base64url')}`;

// ---- generated genomes ----------------------------------------------------------------------

export interface RecordSpec {
  name: string;
  length: number;
  /** bases per line (0 = the whole record on one line) */
  lineWidth?: number;
  crlf?: boolean;
  /** every `iupacEvery`-th base becomes an IUPAC code (0 = none): many exceptions, maybe raw encoding */
  iupacEvery?: number;
  /** a run of N of this length in the middle */
  nRun?: number;
  /** soft-mask (lower-case) this fraction of 64 kbp blocks in the file */
  lowerFraction?: number;
}

export interface GeneratedRecord {
  name: string;
  length: number;
  md5: string;
  ga4gh: string;
  text?: Buffer;
}

const BASES = Buffer.from('ACGT');
const IUPAC = Buffer.from('RYKMSWBDHVN');

/** Normalised bases of one record, generated block by block (deterministic in seed and name). */
function* recordBlocks(seed: number, spec: RecordSpec, blockSize = 1 << 20): Generator<Buffer> {
  const rand = rng((seed ^ parseInt(md5Hex(spec.name).slice(0, 8), 16) ^ spec.length) >>> 0);
  let x = (rand() * 0xffffffff) >>> 0 || 1;
  const nStart = spec.nRun ? Math.floor(spec.length / 2) : -1;
  const nEnd = spec.nRun ? nStart + spec.nRun : -1;
  for (let pos = 0; pos < spec.length; pos += blockSize) {
    const n = Math.min(blockSize, spec.length - pos);
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) {
      if ((i & 15) === 0) {
        // xorshift32: 16 bases from one 32-bit word
        x ^= x << 13;
        x >>>= 0;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
      }
      b[i] = BASES[(x >>> ((i & 15) * 2)) & 3]!;
    }
    if (spec.iupacEvery)
      for (let p = pos + ((spec.iupacEvery - (pos % spec.iupacEvery)) % spec.iupacEvery); p < pos + n; p += spec.iupacEvery)
        b[p - pos] = IUPAC[p % IUPAC.length]!;
    if (nStart >= 0 && nEnd > pos && nStart < pos + n) b.fill(0x4e, Math.max(0, nStart - pos), Math.min(n, nEnd - pos));
    yield b;
  }
}

/**
 * Writes a FASTA of the given records and returns each record's length, md5 and ga4gh computed
 * from the normalised text with node:crypto (and the text itself with `keepText`).
 */
export function writeGenome(
  path: string,
  seed: number,
  specs: readonly RecordSpec[],
  options: { keepText?: boolean } = {},
): GeneratedRecord[] {
  const fd = openSync(path, 'w');
  const out: GeneratedRecord[] = [];
  const rand = rng(seed);
  try {
    for (const spec of specs) {
      const eol = Buffer.from(spec.crlf ? '\r\n' : '\n');
      writeSync(fd, Buffer.from(`>${spec.name} generated seed=${seed}`));
      writeSync(fd, eol);
      const md5 = createHash('md5');
      const sha = createHash('sha512');
      const kept: Buffer[] = [];
      const width = spec.lineWidth ?? 60;
      let col = 0;
      for (const block of recordBlocks(seed, spec)) {
        md5.update(block);
        sha.update(block);
        if (options.keepText) kept.push(block);
        const shown = Buffer.from(block);
        if (spec.lowerFraction) {
          for (let s = 0; s < shown.length; s += 65536) {
            if (rand() < spec.lowerFraction)
              for (let i = s; i < Math.min(shown.length, s + 65536); i++) shown[i] = shown[i]! | 0x20;
          }
        }
        if (width === 0) {
          writeSync(fd, shown);
          continue;
        }
        const parts: Buffer[] = [];
        let i = 0;
        while (i < shown.length) {
          const take = Math.min(width - col, shown.length - i);
          parts.push(shown.subarray(i, i + take));
          i += take;
          col += take;
          if (col === width) {
            parts.push(eol);
            col = 0;
          }
        }
        writeSync(fd, Buffer.concat(parts));
      }
      if (col !== 0 || width === 0) writeSync(fd, eol);
      out.push({
        name: spec.name,
        length: spec.length,
        md5: md5.digest('hex'),
        ga4gh: `SQ.${sha.digest().subarray(0, 24).toString('base64url')}`,
        ...(options.keepText ? { text: Buffer.concat(kept) } : {}),
      });
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

// ---- temp dirs ------------------------------------------------------------------------------

export function makeTempDir(prefix = 'refget-rel-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// ---- the CLI as a child process -------------------------------------------------------------

/** How to run `refget`: the source through tsx (what the tests check), or REFGET_CLI=dist. */
export function cliArgv(): string[] {
  if (process.env.REFGET_CLI === 'dist') return [join(ROOT, 'dist/cli/main.js')];
  return ['--import=tsx', join(ROOT, 'src/cli/main.ts')];
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** the child's peak resident set (VmHWM), kB, sampled from /proc while it ran */
  peakRssKb: number;
}

export interface CliRun {
  child: ChildProcess;
  done: Promise<CliResult>;
}

/** Starts `refget ARGS…`; `done` resolves when it exits (killed after `timeoutMs`). */
export function startCli(
  args: readonly string[],
  options: { stdin?: 'ignore' | 'pipe'; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): CliRun {
  const began = Date.now();
  const child = spawn(process.execPath, [...cliArgv(), ...args], {
    cwd: ROOT,
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn', ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    if (stdout.length < 1 << 20) stdout += s;
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    if (stderr.length < 1 << 20) stderr += s;
  });
  let peakRssKb = 0;
  const sampler = setInterval(() => {
    peakRssKb = Math.max(peakRssKb, procStatusKb(child.pid, 'VmHWM') ?? 0);
  }, 25);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(sampler);
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - began, peakRssKb });
    });
  });
  return { child, done };
}

export const runCli = (args: readonly string[], options: Parameters<typeof startCli>[1] = {}): Promise<CliResult> =>
  startCli(args, options).done;

/** Runs async jobs with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

// ---- process memory -------------------------------------------------------------------------

/** A kB field (VmRSS, VmHWM) of /proc/PID/status; undefined once the process is gone. */
export function procStatusKb(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

// ---- store snapshots ------------------------------------------------------------------------

/** Every file of a store with its size and md5 (the -shm scratch file excluded). */
export function byteSnapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || e.name.endsWith('-shm')) continue;
    const path = join(e.parentPath, e.name);
    files[path.slice(dir.length)] = `${statSync(path).size}:${md5Hex(readFileSync(path))}`;
  }
  return files;
}

const TABLES: Record<string, string> = {
  packs: 'SELECT id, file, committed_size FROM packs ORDER BY id',
  sequences:
    'SELECT id, ga4gh, md5, length, encoding, pack_id, offset, byte_length, exception_count, circular FROM sequences ORDER BY id',
  naming_authorities: 'SELECT name FROM naming_authorities ORDER BY name',
  aliases: 'SELECT naming_authority, alias, sequence_id FROM aliases ORDER BY 1, 2, 3',
  collections: 'SELECT id, digest, sequence_count, total_length FROM collections ORDER BY id',
  collection_members: 'SELECT collection_id, position, name, sequence_id FROM collection_members ORDER BY 1, 2',
  collection_sources: 'SELECT collection_id, source FROM collection_sources ORDER BY 1, 2',
  collection_names: 'SELECT name, collection_id FROM collection_names ORDER BY 1',
};

export interface RowSnapshot {
  tables: Record<string, { rows: number; md5: string }>;
  sequences: string[];
  aliases: string[];
  collections: string[];
}

/** What a reader sees: every row of every table (read-only open, as the server does). */
export function rowSnapshot(storeDir: string): RowSnapshot {
  const db = new Database(join(storeDir, 'index.sqlite3'), { readonly: true, fileMustExist: true });
  try {
    const tables: RowSnapshot['tables'] = {};
    for (const [name, sql] of Object.entries(TABLES)) {
      const rows = db.prepare(sql).raw().all();
      tables[name] = { rows: rows.length, md5: md5Hex(JSON.stringify(rows)) };
    }
    return {
      tables,
      sequences: db.prepare("SELECT 'SQ.' || ga4gh FROM sequences ORDER BY 1").pluck().all() as string[],
      aliases: db.prepare("SELECT naming_authority || ':' || alias FROM aliases ORDER BY 1").pluck().all() as string[],
      collections: db.prepare('SELECT digest FROM collections ORDER BY 1').pluck().all() as string[],
    };
  } finally {
    db.close();
  }
}

export const sameRows = (a: RowSnapshot, b: RowSnapshot): boolean => JSON.stringify(a.tables) === JSON.stringify(b.tables);

/** Bytes in pack files past their committed size (what a killed run leaves for the next writer to cut). */
export function orphanPackBytes(storeDir: string): number {
  const db = new Database(join(storeDir, 'index.sqlite3'), { readonly: true, fileMustExist: true });
  try {
    let orphan = 0;
    for (const p of db.prepare('SELECT file, committed_size AS size FROM packs').all() as { file: string; size: number }[]) {
      try {
        orphan += Math.max(0, statSync(join(storeDir, 'packs', p.file)).size - p.size);
      } catch {
        /* missing: verify reports it */
      }
    }
    for (const f of safeReaddir(join(storeDir, 'packs'))) {
      if (!db.prepare('SELECT 1 FROM packs WHERE file = ?').get(f) && f.endsWith('.pack'))
        orphan += statSync(join(storeDir, 'packs', f)).size;
    }
    return orphan;
  } finally {
    db.close();
  }
}

const safeReaddir = (dir: string): string[] => {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};

// ---- a CLI server on 127.0.0.1 --------------------------------------------------------------

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface ServerChild {
  port: number;
  pid: number;
  child: ChildProcess;
  stop: () => Promise<void>;
  alive: () => boolean;
  stderr: () => string;
}

/** `refget serve --workers 1` on a free 127.0.0.1 port; resolves once /healthz answers. */
export async function startServerChild(
  storeDir: string,
  flags: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<ServerChild> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      ...cliArgv(),
      'serve',
      '--store',
      storeDir,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--workers',
      '1',
      '--log-level',
      'warn',
      ...flags,
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...env },
    },
  );
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    if (stderr.length < 1 << 20) stderr += s;
  });
  let exited = false;
  // Never outlive this process (a killed test run must not leave servers behind).
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const exit = new Promise<void>((resolve) =>
    child.on('exit', () => {
      exited = true;
      process.removeListener('exit', killOnExit);
      resolve();
    }),
  );
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`server exited before answering: ${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not answer /healthz within 30 s: ${stderr}`);
    }
    const status = await httpGet(port, '/healthz').then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    pid: child.pid!,
    child,
    alive: () => !exited,
    stderr: () => stderr,
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One GET on 127.0.0.1 with a fresh connection. */
export function httpGet(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false, timeout: timeoutMs }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** Reads a flag `--name value` (or `--name=value`) from argv as a number, else the default. */
export function numberFlag(name: string, fallback: number, argv: readonly string[] = process.argv.slice(2)): number {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === `--${name}` && argv[i + 1] !== undefined) return Number(argv[i + 1]);
    if (a.startsWith(`--${name}=`)) return Number(a.slice(name.length + 3));
  }
  return fallback;
}

export const printJson = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};
