// Stores written by the previous release (schema 1: no checksums, no alias provenance): the server
// refuses them with the command to run; `refget migrate` upgrades them in one transaction after
// re-digesting every sequence, and refuses (changing nothing) when a sequence is damaged.
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { byteSnapshot, makeTempDir, runCli, writeGenome } from '../../scripts/reliability/lib/common.js';

/** Turns a store of this release into what the previous release wrote (schema 1). */
function downgradeToSchema1(store: string): void {
  const db = new Database(join(store, 'index.sqlite3'));
  db.exec(`ALTER TABLE sequences DROP COLUMN block_sums; ALTER TABLE sequences DROP COLUMN row_sum; ALTER TABLE sequences DROP COLUMN block_sums_sum;
    DROP TABLE alias_sources; DROP TABLE collection_name_history; PRAGMA user_version = 1;`);
  db.close();
}

t.test('schema 1 stores: serve refuses, migrate upgrades, a damaged one is refused unchanged', async (t) => {
  const tmp = makeTempDir('refget-migrate-');
  t.teardown(tmp.remove);
  const fasta = join(tmp.dir, 'g.fa');
  const [one, two] = writeGenome(fasta, 11, [
    { name: 'one', length: 50_000, nRun: 300 },
    { name: 'two', length: 3_000, iupacEvery: 2 },
  ]);
  const store = join(tmp.dir, 'store');
  t.equal((await runCli(['ingest', '--store', store, '--naming-authority', 'ex', fasta])).code, 0);
  downgradeToSchema1(store);

  const listed = await runCli(['list', '--store', store]);
  t.equal(listed.code, 1, 'a reader refuses an old store');
  t.match(
    listed.stderr,
    /^refget: store .* has schema version 1; this release reads version 2\. Upgrade it once with 'refget migrate --store .*'/,
  );
  t.equal(listed.stderr.trim().split('\n').length, 1, 'one line');

  // A damaged sequence stops the upgrade; nothing changes.
  const pack = join(store, 'packs', '000001.pack');
  const good = readFileSync(pack);
  const bad = Buffer.from(good);
  bad[100] = bad[100]! ^ 0x01;
  writeFileSync(pack, bad);
  const before = byteSnapshot(store);
  const refused = await runCli(['migrate', '--store', store]);
  t.equal(refused.code, 1, 'migrate refuses a damaged store');
  t.match(
    refused.stderr,
    `cannot upgrade the store: sequence ${one!.ga4gh} (md5 ${one!.md5}) is damaged (its bases do not match its digests)`,
  );
  t.same(byteSnapshot(store), before, 'the store is byte-identical after the refusal');

  writeFileSync(pack, good);
  const migrated = await runCli(['migrate', '--store', store]);
  t.equal(migrated.code, 0, migrated.stderr);
  t.match(JSON.parse(migrated.stdout), { from: 1, to: 2 });
  const verified = await runCli(['verify', '--store', store]);
  t.equal(verified.code, 0, 'verify passes after the upgrade');
  t.match(JSON.parse(verified.stdout), { sequences: 2, damaged: 0, indexProblems: 0 });
  const again = await runCli(['migrate', '--store', store]);
  t.match(JSON.parse(again.stdout), { from: 2, to: 2 }, 'a second migrate is a no-op');

  // The upgraded store is protected like a new one: a flipped byte is found by verify.
  bad[100] = good[100]! ^ 0x01;
  writeFileSync(pack, bad);
  const damaged = await runCli(['verify', '--store', store, '--quick']);
  t.equal(damaged.code, 1);
  t.match(damaged.stderr, `DAMAGED ${one!.ga4gh} (one): block 0 of ${one!.ga4gh}`);
  t.notMatch(damaged.stderr, two!.ga4gh);
});

t.test('migrate on a directory that is not a store', async (t) => {
  const tmp = makeTempDir('refget-migrate-');
  t.teardown(tmp.remove);
  const r = await runCli(['migrate', '--store', join(tmp.dir, 'nothing')]);
  t.equal(r.code, 1);
  t.match(r.stderr, /^refget: no store at .*nothing/);
});
