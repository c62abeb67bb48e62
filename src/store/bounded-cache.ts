// A bounded cache with O(1) operations at any size, for the store's per-id caches.
//
// Why not a Map evicting its oldest key (`map.delete(map.keys().next().value)`): V8 leaves a
// deleted entry as a hole until the table is rebuilt, and an iterator starts at the first slot,
// so on a full 10,000-entry map each eviction walked thousands of holes (~10 µs, measured): on a
// large store where ids come at random, every lookup evicted from two caches and that walk was
// a fifth of a metadata request's time.
//
// Two generations instead: entries go into `young`; when it holds half the budget it becomes
// `old` and the previous `old` is dropped whole. A hit in `old` moves the entry back to `young`,
// so what is used stays (least recently used evicted, half the cache at a time).

export interface CacheBudget<V> {
  /** most entries held (both generations together) */
  entries: number;
  /** optional second budget: total weight of the values held, e.g. bytes */
  weight?: { of: (value: V) => number; max: number };
}

export class BoundedCache<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private youngWeight = 0;
  private readonly budget: CacheBudget<V>;

  constructor(budget: CacheBudget<V>) {
    if (!(budget.entries >= 2)) throw new RangeError('a cache holds at least 2 entries');
    this.budget = budget;
  }

  get(key: K): V | undefined {
    const value = this.young.get(key);
    if (value !== undefined) return value;
    const older = this.old.get(key);
    if (older !== undefined) {
      this.old.delete(key);
      this.set(key, older);
    }
    return older;
  }

  set(key: K, value: V): void {
    const weigh = this.budget.weight?.of;
    const previous = this.young.get(key);
    if (previous !== undefined && weigh !== undefined) this.youngWeight -= weigh(previous);
    this.old.delete(key);
    this.young.set(key, value);
    if (weigh !== undefined) this.youngWeight += weigh(value);
    // Each generation stays under half of each budget, so both together stay under it; a value
    // heavier than half the weight budget is still kept until the next turn (the latest entry is
    // always there).
    if (
      this.young.size >= this.budget.entries / 2 ||
      (this.budget.weight !== undefined && this.youngWeight >= this.budget.weight.max / 2)
    ) {
      this.old = this.young;
      this.young = new Map();
      this.youngWeight = 0;
    }
  }

  clear(): void {
    this.young = new Map();
    this.old = new Map();
    this.youngWeight = 0;
  }

  /** Entries held now. */
  get size(): number {
    return this.young.size + this.old.size;
  }
}
