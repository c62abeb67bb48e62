// Ingests whose writes fail: a store on a full 2 MiB tmpfs (the pack write fails), an index on a
// full tmpfs with packs elsewhere (SQLite reports SQLITE_FULL), a store remounted read-only, and a
// read-only bind mount. Each must exit 1 with a one-line message and leave the store exactly as
// it was. Needs root and mount(8); `writeFailureSupport()` says why not otherwise.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { byteSnapshot, makeTempDir, runCli, writeGenome } from './common.js';

export interface WriteFailureOutcome {
  scenario: string;
  exit: number | null;
  message: string;
  storeUnchanged: boolean;
  verifyExit: number | null;
  laterIngestExit: number | null;
  problems: string[];
}

const mount = (...args: string[]): void => {
  execFileSync('mount', args, { stdio: 'pipe' });
};
const umount = (dir: string): void => {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  } catch {
    /* not mounted */
  }
};

/** undefined when tmpfs and bind mounts work here; otherwise the reason to skip. */
export function writeFailureSupport(): string | undefined {
  if (process.getuid?.() !== 0)
    return 'needs root (as a normal user, directory permissions would do, but mount(8) is needed for a full filesystem)';
  const tmp = makeTempDir('refget-mountcheck-');
  try {
    mount('-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', tmp.dir);
    umount(tmp.dir);
    return undefined;
  } catch (err) {
    return `cannot mount a tmpfs here: ${(err as Error).message.split('\n')[0]}`;
  } finally {
    tmp.remove();
  }
}

async function failingIngest(
  scenario: string,
  store: string,
  file: string,
  extra: string[],
  messageRe: RegExp,
  verifyStore: string,
  afterwards?: () => void,
): Promise<WriteFailureOutcome> {
  const before = byteSnapshot(verifyStore);
  const r = await runCli(['ingest', '--store', store, ...extra, file]);
  const problems: string[] = [];
  const message = r.stderr.trim();
  if (r.code !== 1) problems.push(`exit ${r.code}, expected 1`);
  if (message.split('\n').length !== 1 || /unexpected error/.test(message))
    problems.push(`not a one-line error: ${message.slice(0, 300)}`);
  if (!messageRe.test(message)) problems.push(`message does not match ${messageRe}: ${message.slice(0, 300)}`);
  afterwards?.();
  const storeUnchanged = JSON.stringify(byteSnapshot(verifyStore)) === JSON.stringify(before);
  if (!storeUnchanged) problems.push('store changed');
  const verify = await runCli(['verify', '--store', verifyStore]);
  if (verify.code !== 0) problems.push(`verify exit ${verify.code}: ${verify.stderr.trim()}`);
  return { scenario, exit: r.code, message, storeUnchanged, verifyExit: verify.code, laterIngestExit: null, problems };
}

export async function runWriteFailures(seed: number): Promise<WriteFailureOutcome[]> {
  const tmp = makeTempDir('refget-wfail-');
  const mounts: string[] = [];
  const mountTmpfs = (dir: string, size: string): void => {
    mkdirSync(dir, { recursive: true });
    mount('-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir);
    mounts.push(dir);
  };
  try {
    const small = join(tmp.dir, 'small.fa');
    writeGenome(small, seed, [{ name: 'small', length: 2000 }]);
    const small2 = join(tmp.dir, 'small2.fa');
    writeGenome(small2, seed + 2, [{ name: 'small2', length: 400_000 }]);
    const big = join(tmp.dir, 'big.fa');
    writeGenome(big, seed + 1, [
      { name: 'big1', length: 12_000_000 },
      { name: 'big2', length: 3000 },
    ]);
    const many = join(tmp.dir, 'many.fa');
    writeFileSync(
      many,
      Array.from(
        { length: 25_000 },
        (_, i) => `>r${i}\n${'ACGT'[i % 4]!.repeat(10)}${i.toString(4).replace(/[0-3]/g, (d) => 'ACGT'[Number(d)]!)}\n`,
      ).join(''),
    );
    const out: WriteFailureOutcome[] = [];

    // 1. The pack write fails: 12 Mbp (3 MB packed) into a 2 MiB filesystem.
    const fs1 = join(tmp.dir, 'fs1');
    mountTmpfs(fs1, '2m');
    const s1 = join(fs1, 'store');
    if ((await runCli(['ingest', '--store', s1, small])).code !== 0) throw new Error('seed ingest failed');
    const o1 = await failingIngest(
      'pack write fails (full 2 MiB filesystem)',
      s1,
      big,
      ['--naming-authority', 'x'],
      /cannot write to the store .*ENOSPC.*nothing was added/,
      s1,
    );
    o1.laterIngestExit = (await runCli(['ingest', '--store', s1, small2])).code;
    out.push(o1);

    // 2. The index write fails: the index on a full 2 MiB filesystem, its packs on a larger one.
    const fs2 = join(tmp.dir, 'fs2');
    mountTmpfs(fs2, '2m');
    const s2 = join(fs2, 'store');
    mountTmpfs(join(s2, 'packs'), '64m');
    if ((await runCli(['ingest', '--store', s2, small])).code !== 0) throw new Error('seed ingest failed');
    out.push(
      await failingIngest(
        'index write fails (SQLite on a full filesystem)',
        s2,
        many,
        ['--naming-authority', 'x'],
        /cannot write to the store .*SQLITE_FULL.*nothing was added/,
        s2,
      ),
    );

    // 3. The store's filesystem is remounted read-only.
    const fs3 = join(tmp.dir, 'fs3');
    mountTmpfs(fs3, '16m');
    const s3 = join(fs3, 'store');
    if ((await runCli(['ingest', '--store', s3, small])).code !== 0) throw new Error('seed ingest failed');
    mount('-o', 'remount,ro', fs3);
    const o3 = await failingIngest(
      'read-only remount',
      s3,
      big,
      [],
      /cannot write to the store .*(EROFS|SQLITE_CANTOPEN|SQLITE_READONLY)/,
      s3,
      () => mount('-o', 'remount,rw', fs3),
    );
    out.push(o3);

    // 4. A read-only bind mount of a writable store.
    const s4 = join(tmp.dir, 'rw-store');
    if ((await runCli(['ingest', '--store', s4, small])).code !== 0) throw new Error('seed ingest failed');
    const ro = join(tmp.dir, 'ro-view');
    mkdirSync(ro);
    mount('--bind', s4, ro);
    mounts.push(ro);
    mount('-o', 'remount,bind,ro', ro);
    out.push(
      await failingIngest(
        'read-only bind mount',
        ro,
        big,
        [],
        /cannot write to the store .*(EROFS|SQLITE_CANTOPEN|SQLITE_READONLY)/,
        s4,
      ),
    );
    return out;
  } finally {
    for (const m of mounts.reverse()) umount(m);
    tmp.remove();
  }
}
