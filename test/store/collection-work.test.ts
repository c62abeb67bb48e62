// Level-2 bodies and comparisons computed by the store (SQL, on the calling thread or on the
// collection worker) against the in-memory reference (seqcol/compare.ts, which the compliance
// fixtures check) on seeded random collections with repeated sequences, shared names and lengths,
// and posted collections with ids the store does not hold, pairs with extra keys and duplicates.
import t from 'tap';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { runIngest } from '../../src/cli/ingest-command.js';
import { SequenceStore } from '../../src/store/sequence-store.js';
import { compareCollections, comparisonResult, sideOf } from '../../src/seqcol/compare.js';
import { LEVEL2_ATTRIBUTES } from '../../src/seqcol/collection.js';
import { CollectionJobs, MAX_COLLECTION_JOBS } from '../../src/store/collection-jobs.js';
import { tempDir } from '../helpers/sample-store.js';
import { rng } from '../../scripts/reliability/lib/common.js';

interface Record_ {
  name: string;
  sequence: string;
}

const ga4gh = (s: string): string => `SQ.${createHash('sha512').update(s).digest().subarray(0, 24).toString('base64url')}`;

/** The level-2 object of records, computed here (not by the code under test). */
function level2Of(records: readonly Record_[]): Record<string, unknown[]> {
  const sequences = records.map((r) => ga4gh(r.sequence));
  return {
    lengths: records.map((r) => r.sequence.length),
    name_length_pairs: records.map((r) => ({ name: r.name, length: r.sequence.length })),
    names: records.map((r) => r.name),
    sequences,
    sorted_sequences: [...sequences].sort(),
  };
}

const rand = rng(20261203);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
// A small pool, so that collections share sequences, lengths (several per length) and names.
const pool = Array.from({ length: 40 }, (_, i) => 'ACGT'.repeat(1 + (i % 7)) + 'ACGT'[i % 4]!.repeat(1 + Math.floor(i / 7)));
const namePool = Array.from({ length: 30 }, (_, i) => `chr${i}`);

function randomCollection(size: number): Record_[] {
  const names = [...namePool].sort(() => rand() - 0.5).slice(0, size);
  return names.map((name) => ({ name, sequence: pick(pool) }));
}

const collections: Record_[][] = [
  randomCollection(12),
  randomCollection(12),
  randomCollection(25),
  randomCollection(3),
  randomCollection(1),
];
// More members than one read window (4,096): bodies are read in several keyset windows.
const bigPool = Array.from(
  { length: 3000 },
  (_, i) => `${pick(pool)}${i.toString(4).replace(/[0-3]/g, (d) => 'ACGT'[Number(d)]!)}`,
);
collections.push(Array.from({ length: 9000 }, (_, i) => ({ name: `n${i}`, sequence: pick(bigPool) })));
// A permutation and a renamed copy of the first: same sequences in another order; other names.
collections.push([...collections[0]!].reverse());
collections.push(collections[0]!.map((r, i) => ({ name: `alt${i}`, sequence: r.sequence })));

async function text(body: string | Readable): Promise<string> {
  if (typeof body === 'string') return body;
  let out = '';
  for await (const chunk of body) out += chunk as string;
  return out;
}

t.test('store comparisons and level-2 bodies equal the reference', async (t) => {
  const dir = tempDir(t);
  const store = join(dir, 'store');
  const digests: string[] = [];
  for (const [i, records] of collections.entries()) {
    const fasta = join(dir, `c${i}.fa`);
    writeFileSync(fasta, records.map((r) => `>${r.name}\n${r.sequence}\n`).join(''));
    const summary = await runIngest([fasta], { store, progress: false });
    digests.push(summary.collections[0]!.digest);
  }

  for (const [mode, inlineCollectionMembers] of [
    ['inline', undefined],
    ['worker', 0],
  ] as const) {
    t.test(mode, async (t) => {
      const s = SequenceStore.open(store, { inlineCollectionMembers });
      t.teardown(() => s.close());
      const row = (i: number) => s.collections.get(digests[i]!)!;

      for (const [i, records] of collections.entries()) {
        const want = level2Of(records);
        t.equal(await text(await s.collectionWork.level2(row(i))), JSON.stringify(want), `collection ${i}: level 2`);
        for (const attr of LEVEL2_ATTRIBUTES) {
          t.equal(
            await text(await s.collectionWork.level2(row(i), attr)),
            JSON.stringify(want[attr]),
            `collection ${i}: ${attr}`,
          );
        }
      }

      let compared = 0;
      for (const [i, a] of collections.entries()) {
        for (const [j, b] of collections.entries()) {
          const want = compareCollections(
            { digest: digests[i]!, level2: level2Of(a) },
            { digest: digests[j]!, level2: level2Of(b) },
          );
          const elements = await s.collectionWork.compare(row(i), row(j));
          const side = (k: number) => sideOf(digests[k]!, level2Of(collections[k]!));
          t.same(comparisonResult(side(i), side(j), elements), want, `compare ${i} with ${j}`);
          compared++;
        }
      }
      t.equal(compared, collections.length ** 2);

      // Posted: B's arrays with things the store cannot match, duplicates, and a missing attribute.
      for (const [i, a] of collections.entries()) {
        const b = level2Of(pick(collections));
        const posted: Record<string, unknown[]> = {
          ...b,
          sequences: [...b['sequences']!, 'SQ.notAStoredSequence0000000000000', ga4gh(pool[0]!).slice(3), b['sequences']![0]],
          sorted_sequences: [...b['sorted_sequences']!].reverse(),
          name_length_pairs: [...b['name_length_pairs']!, { name: 'chr1', length: 5, extra: true }, { length: 4, name: 'chr2' }],
          lengths: [...b['lengths']!, 4, 4],
          names: [...b['names']!, 'chr1', 'chr1'],
          other: ['x'],
        };
        if (i % 2 === 0) delete posted['lengths'];
        const want = compareCollections({ digest: digests[i]!, level2: level2Of(a) }, { digest: null, level2: posted });
        const knownArrays = Object.fromEntries(
          Object.entries(posted).filter(([attr]) => (LEVEL2_ATTRIBUTES as readonly string[]).includes(attr)),
        );
        const elements = await s.collectionWork.comparePosted(row(i), knownArrays);
        t.same(comparisonResult(sideOf(digests[i]!, level2Of(a)), sideOf(null, posted), elements), want, `posted against ${i}`);
      }
    });
  }

  t.test('the worker: a stream dropped half way gives its job back; past the bound, OVERLOADED', async (t) => {
    const s = SequenceStore.open(store, { inlineCollectionMembers: 0 });
    t.teardown(() => s.close());
    const big = s.collections.get(digests[2]!)!;
    const stream = (await s.collectionWork.level2(big)) as Readable;
    t.equal(s.collectionWork.activeJobs, 1, 'one job while the body is unread');
    stream.destroy();
    t.equal(s.collectionWork.activeJobs, 0, 'given back when the client goes');

    // The worker answers one comparison at a time: the bound is reached before any is answered.
    // Distinct pairs: one pair asked for again while it runs shares its job (below).
    const rows = digests.map((d) => s.collections.get(d)!);
    const pairs = rows.flatMap((x) => rows.map((y) => [x, y] as const));
    const queued = pairs.slice(0, MAX_COLLECTION_JOBS).map(([x, y]) => s.collectionWork.compare(x, y));
    t.equal(s.collectionWork.activeJobs, MAX_COLLECTION_JOBS);
    // Both asked before anything is awaited: the queued ones cannot finish in between.
    const [x17, y17] = pairs[MAX_COLLECTION_JOBS]!;
    const overCompare = s.collectionWork.compare(x17, y17);
    const overLevel2 = s.collectionWork.level2(big);
    await t.rejects(overCompare, { code: 'OVERLOADED' });
    await t.rejects(overLevel2, { code: 'OVERLOADED' });
    t.equal((await Promise.all(queued)).length, MAX_COLLECTION_JOBS, 'the queued ones are all answered');
    t.equal(s.collectionWork.activeJobs, 0);
    // A finished comparison and a fully read body leave nothing behind.
    const again = await s.collectionWork.compare(big, big);
    t.equal(again.names?.sameOrder, true);
    t.equal(JSON.parse(await text(await s.collectionWork.level2(big))).names.length, 25);
    t.equal(s.collectionWork.activeJobs, 0);
  });

  t.test('one job for a pair asked for again while it runs; its answer kept afterwards', async (t) => {
    const s = SequenceStore.open(store, { inlineCollectionMembers: 0 });
    t.teardown(() => s.close());
    const big = s.collections.get(digests[5]!)!;
    const small = s.collections.get(digests[0]!)!;
    const asked = Array.from({ length: 40 }, () => s.collectionWork.compare(big, small));
    t.equal(s.collectionWork.activeJobs, 1, '40 identical requests, one job (no OVERLOADED)');
    const answers = await Promise.all(asked);
    t.ok(
      answers.every((a) => a === answers[0]),
      'all get its answer',
    );
    t.equal(s.collectionWork.activeJobs, 0);
    const again = s.collectionWork.compare(big, small);
    t.equal(s.collectionWork.activeJobs, 0, 'asked again: no job');
    t.equal(await again, answers[0]);
    const reversed = s.collectionWork.compare(small, big);
    t.equal(s.collectionWork.activeJobs, 1, 'the other order is another comparison');
    t.not(await reversed, answers[0]);
  });

  t.test('a worker that stops cuts the body it was sending, and the next job starts a new one', async (t) => {
    const jobs = new CollectionJobs(join(store, 'index.sqlite3'));
    t.teardown(() => jobs.close());
    const big = SequenceStore.open(store, { inlineCollectionMembers: 0 });
    t.teardown(() => big.close());
    const id = big.collections.get(digests[2]!)!.id;
    // 9,000 members: more than one chunk, so the body is still open when the worker stops.
    // (Not a comparison: a small one may well be answered before the worker stops.)
    const stream = await jobs.level2(big.collections.get(digests[5]!)!.id);
    const streamError = new Promise<Error>((resolve) => stream.on('error', resolve));
    await jobs.close();
    t.match((await streamError).message, /collection worker stopped/, 'the open body is cut');
    t.equal(jobs.active, 0);
    t.equal((await jobs.compare(id, id)).names?.count, 25, 'a new worker answers the next job');
  });
});
