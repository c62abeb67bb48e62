// Level-2 bodies and comparisons of stored collections, wherever they are cheapest to compute:
// small collections on the calling thread (a few milliseconds, no hand-off), large ones on the
// collection worker (collection-jobs.ts), so that no request holds the event loop for seconds.
import type { Readable } from 'node:stream';
import type { Db } from './index/database.js';
import type { CollectionRow } from './collection-index.js';
import { CollectionComparer, type ElementComparisons, type Level2Attribute } from './collection-compare.js';
import { CollectionJobs } from './collection-jobs.js';
import { Level2Reader } from './collection-level2.js';
import { BoundedCache } from './bounded-cache.js';

/**
 * Collections up to this many members are answered inline. 5,000 members: a level-2 body of
 * ~0.6 MB built in a few milliseconds here.
 */
export const INLINE_COLLECTION_MEMBERS = 5_000;
/** Large comparisons kept (each a few hundred bytes of counts). */
const COMPARISONS_KEPT = 256;

export class CollectionWork {
  private readonly db: Db;
  private readonly inlineMembers: number;
  private readonly jobs: CollectionJobs;
  private reader: Level2Reader | undefined;
  private comparer: CollectionComparer | undefined;
  /** Answers of large stored-vs-stored comparisons by row ids, and those being computed. */
  private readonly compared = new BoundedCache<string, ElementComparisons>({ entries: COMPARISONS_KEPT });
  private readonly comparing = new Map<string, Promise<ElementComparisons>>();

  constructor(db: Db, indexPath: string, inlineMembers: number = INLINE_COLLECTION_MEMBERS) {
    this.db = db;
    this.inlineMembers = inlineMembers;
    this.jobs = new CollectionJobs(indexPath);
  }

  /** Heavy jobs in progress on the worker. */
  get activeJobs(): number {
    return this.jobs.active;
  }

  /** The level-2 JSON text of a collection (or one attribute's array): a string, or a stream of text. */
  async level2(collection: CollectionRow, attribute?: Level2Attribute): Promise<string | Readable> {
    if (collection.sequenceCount > this.inlineMembers) return this.jobs.level2(collection.id, attribute);
    this.reader ??= new Level2Reader(this.db);
    let text = '';
    for (const chunk of this.reader.chunks(collection.id, attribute)) text += chunk;
    return text;
  }

  /** Element comparisons of every level-2 attribute of two stored collections. */
  async compare(a: CollectionRow, b: CollectionRow): Promise<ElementComparisons> {
    if (a.sequenceCount + b.sequenceCount <= this.inlineMembers) return this.inlineComparer().compareStored(a.id, b.id);
    // Large ones take seconds on the worker. A stored collection never changes (its row is its
    // digest's content), so the answer is kept; and one job serves every request for the same
    // pair that arrives while it runs (a page reloaded, a client repeating itself).
    const key = `${a.id} ${b.id}`;
    const known = this.compared.get(key);
    if (known !== undefined) return known;
    let pending = this.comparing.get(key);
    if (pending === undefined) {
      pending = this.jobs.compare(a.id, b.id);
      this.comparing.set(key, pending);
      pending.then(
        (result) => {
          this.comparing.delete(key);
          this.compared.set(key, result);
        },
        () => this.comparing.delete(key),
      );
    }
    return pending;
  }

  /** Element comparisons of a stored collection with a posted one's known attributes. */
  async comparePosted(
    a: CollectionRow,
    posted: Partial<Record<Level2Attribute, readonly unknown[]>>,
  ): Promise<ElementComparisons> {
    const postedElements = Object.values(posted).reduce((n, values) => n + values.length, 0);
    if (a.sequenceCount + postedElements > this.inlineMembers) return this.jobs.comparePosted(a.id, posted);
    return this.inlineComparer().comparePosted(a.id, posted);
  }

  close(): void {
    void this.jobs.close();
  }

  private inlineComparer(): CollectionComparer {
    this.comparer ??= new CollectionComparer(this.db);
    return this.comparer;
  }
}
