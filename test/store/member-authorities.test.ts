// The naming authorities of a collection's members are kept between pages of a member listing,
// and an ingest that adds an alias to a member shows up in the next answer of a store that was
// open all along; so does an alias listing's total, which is kept between pages too.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runIngest } from '../../src/cli/ingest-command.js';
import { SequenceStore } from '../../src/store/sequence-store.js';
import { tempDir } from '../helpers/sample-store.js';

t.test('member authorities follow an ingest into a store that stays open', async (t) => {
  const dir = tempDir(t);
  const store = join(dir, 'store');
  writeFileSync(join(dir, 'a.fa'), '>chr1\nACGTACGT\n>chr2\nGGGGCCCC\n');
  const first = await runIngest([join(dir, 'a.fa')], { store, namingAuthority: 'ucsc' });
  const digest = first.collections[0]!.digest;
  const reader = SequenceStore.open(store); // a running server
  t.teardown(() => reader.close());
  const id = reader.collections.get(digest)!.id;
  t.same(reader.discovery.memberNamingAuthorities(id), ['ucsc']);
  t.same(reader.discovery.memberNamingAuthorities(id), ['ucsc'], 'asked again');
  const page = { offset: 0, limit: 10 };
  t.equal(reader.discovery.aliases({}, page).total, 2, 'alias total');
  t.equal(reader.discovery.aliases({}, page).total, 2, 'alias total, asked again');
  t.equal(reader.discovery.aliases({ namingAuthority: 'refseq' }, page).total, 0, 'another filter has its own total');

  writeFileSync(join(dir, 'aliases.tsv'), 'chr2\trefseq\tNC_000002.12\n');
  await runIngest([join(dir, 'a.fa')], { store, namingAuthority: 'ucsc', aliases: join(dir, 'aliases.tsv') });
  t.same(reader.discovery.memberNamingAuthorities(id), ['refseq', 'ucsc'], 'the new authority appears');
  t.equal(reader.discovery.aliases({}, page).total, 3, 'the alias total follows the ingest');
  t.equal(reader.discovery.aliases({ namingAuthority: 'refseq' }, page).total, 1);
});
