// A damaged or foreign index, or a store path that cannot be a directory: every command says what
// is wrong in one line, names the file, exits 1, and `serve --workers 2` stops at once instead of
// restarting workers that cannot start.
import t from 'tap';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makeTempDir, runCli, writeGenome } from '../../scripts/reliability/lib/common.js';

t.test('damaged and foreign index files', async (t) => {
  const tmp = makeTempDir('refget-badindex-');
  t.teardown(tmp.remove);
  const fasta = join(tmp.dir, 'g.fa');
  writeGenome(fasta, 3, [{ name: 'a', length: 5000 }]);
  const store = join(tmp.dir, 'store');
  t.equal((await runCli(['ingest', '--store', store, fasta])).code, 0);
  const index = join(store, 'index.sqlite3');
  const good = readFileSync(index);

  const cases: [string, () => void, RegExp][] = [
    [
      'garbage instead of an index',
      () => writeFileSync(index, Buffer.alloc(good.length, 0x5a)),
      /index\.sqlite3 is damaged or not a refget store index \(file is not a database\)/,
    ],
    [
      'the SQLite header damaged',
      () => {
        const b = Buffer.from(good);
        b.fill(0, 0, 16);
        writeFileSync(index, b);
      },
      /index\.sqlite3 is damaged or not a refget store index/,
    ],
    [
      'a foreign SQLite database',
      () => {
        writeFileSync(index, '');
        const db = new Database(index);
        db.exec('CREATE TABLE notes (x TEXT)');
        db.close();
      },
      /index\.sqlite3 is an SQLite database but not a refget store index/,
    ],
  ];
  for (const [label, damage, message] of cases) {
    damage();
    for (const args of [['list'], ['verify'], ['migrate'], ['ingest', fasta], ['serve', '--port', '0', '--workers', '2']]) {
      const r = await runCli([...args, '--store', store], { timeoutMs: 20_000 });
      t.equal(r.code, 1, `${label}: ${args[0]} exits 1`);
      const lines = r.stderr
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('refget: a worker could not start'));
      t.equal(lines.length, 1, `${label}: ${args[0]} prints one line`);
      t.match(lines[0], message, `${label}: ${args[0]} says what is wrong`);
      t.notMatch(r.stderr, /\n\s+at |SqliteError|unexpected error/, `${label}: ${args[0]}: no stack trace`);
    }
    writeFileSync(index, good);
  }
  copyFileSync(fasta, join(tmp.dir, 'file'));
  const under = await runCli(['ingest', '--store', join(tmp.dir, 'file', 'store'), fasta]);
  t.equal(under.code, 1, 'a store path under a regular file: exit 1');
  t.match(under.stderr, /^refget: cannot write to the store .*file\/store: .*ENOTDIR.*; nothing was/);
  t.equal(under.stderr.trim().split('\n').length, 1);
});
