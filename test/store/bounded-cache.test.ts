// The store's bounded cache, against a model of what it promises: never more entries (or weight)
// than its budget, the latest entry always there, anything used in the newer half of the traffic
// still there, and a hit is the value set last.
import t from 'tap';
import { BoundedCache } from '../../src/store/bounded-cache.js';
import { rng } from '../../scripts/reliability/lib/common.js';

t.test('never holds more than its budget of entries, and keeps the latest', async (t) => {
  const cache = new BoundedCache<number, string>({ entries: 100 });
  let over = 0;
  let latestMissing = 0;
  for (let i = 0; i < 10_000; i++) {
    cache.set(i, `v${i}`);
    if (cache.size > 100) over++;
    if (cache.get(i) !== `v${i}`) latestMissing++;
  }
  t.equal(over, 0, 'size stayed within 100 after every insert');
  t.equal(latestMissing, 0);
  t.ok(cache.size >= 50, `holds at least half its budget once full (${cache.size})`);
  t.equal(cache.get(0), undefined, 'the oldest, never used again, is gone');
});

t.test('what is used stays while a stream of one-off keys passes (seeded)', async (t) => {
  const cache = new BoundedCache<string, number>({ entries: 1000 });
  const next = rng(20261203);
  const hot = Array.from({ length: 50 }, (_, i) => `hot${i}`);
  for (const [i, k] of hot.entries()) cache.set(k, i);
  let hotMisses = 0;
  let wrong = 0;
  for (let i = 0; i < 50_000; i++) {
    cache.set(`cold${i}`, -i);
    // every hot key is used at least once per 200 one-off keys (plus at most 100 moves back to
    // the young generation): a key survives at least half the budget (500) of inserts after its last use
    if (i % 4 === 0) {
      const k = Math.floor(next() * hot.length);
      for (const j of [k, (i / 4) % hot.length]) {
        const got = cache.get(hot[j]!);
        if (got === undefined) hotMisses++;
        else if (got !== j) wrong++;
      }
    }
  }
  t.equal(hotMisses, 0, 'no hot key was evicted');
  t.equal(wrong, 0, 'every hit returned the value set for that key');
  t.ok(cache.size <= 1000);
});

t.test('a key set again returns the new value, in either generation', async (t) => {
  const cache = new BoundedCache<string, number>({ entries: 4 });
  cache.set('a', 1);
  cache.set('b', 2); // young is full (2 of 4): a and b become the old generation
  cache.set('a', 10); // a again: the new value, not the old one
  t.equal(cache.get('a'), 10);
  t.equal(cache.get('b'), 2);
  cache.set('c', 3);
  cache.set('d', 4);
  t.ok(cache.size <= 4);
  t.equal(cache.get('d'), 4);
});

t.test('a weight budget bounds the total, and an oversized value is still kept until the next one', async (t) => {
  const cache = new BoundedCache<number, Uint8Array>({ entries: 1000, weight: { of: (v) => v.length, max: 1000 } });
  const next = rng(7);
  let maxHeld = 0;
  const held = new Map<number, Uint8Array>();
  for (let i = 0; i < 2000; i++) {
    const v = new Uint8Array(1 + Math.floor(next() * 100));
    cache.set(i, v);
    held.set(i, v);
    let total = 0;
    for (const [k, value] of held) {
      if (cache.get(k) === value) total += value.length;
      else held.delete(k);
    }
    maxHeld = Math.max(maxHeld, total);
  }
  // under half the budget per generation, plus the value that filled one
  t.ok(maxHeld <= 1000 + 100, `at most the budget plus one value held (${maxHeld})`);
  const big = new Uint8Array(5000);
  cache.set(-1, big);
  t.equal(cache.get(-1), big, 'a value over the whole budget is there right after it is set');
  cache.set(-2, new Uint8Array(10));
  cache.set(-3, new Uint8Array(10));
  cache.set(-4, new Uint8Array(600));
  t.equal(cache.get(-1), undefined, 'and gone once newer values filled a generation');
});

t.test('clear empties it; a budget under 2 entries is refused', async (t) => {
  const cache = new BoundedCache<number, number>({ entries: 10 });
  for (let i = 0; i < 8; i++) cache.set(i, i);
  cache.clear();
  t.equal(cache.size, 0);
  t.equal(cache.get(3), undefined);
  t.throws(() => new BoundedCache({ entries: 1 }), RangeError);
});
