// Seqcol comparison computed inside SQLite: each collection's members are copied into a temporary
// table, each attribute's elements become (key, order) rows, and SQLite filters, numbers and
// matches them with its own temporary b-trees (spilled to disk past its page cache), so a
// million-member comparison never becomes a million JavaScript objects. Slow (seconds for a
// million members), so it runs on the collection worker (collection-worker.ts), never on the
// server's event loop. The rule is seqcol/compare.ts's compareElements (the refgenie algorithm):
//   Af = [x for x in A if x in B]; Bf = [x for x in B if x in A] (order and duplicates kept);
//   count = min(|Af|, |Bf|); sameOrder = null if both are empty or |Af| != |Bf|, else Af == Bf.
import type { Database, Statement } from 'better-sqlite3';
import { canonicalJson } from '../seqcol/canonical-json.js';
import { LEVEL2_ATTRIBUTES } from '../seqcol/collection.js';

export type Level2Attribute = (typeof LEVEL2_ATTRIBUTES)[number];

export interface ElementCounts {
  readonly count: number;
  readonly sameOrder: boolean | null;
}

export type ElementComparisons = Partial<Record<Level2Attribute, ElementCounts>>;

/**
 * Keys are equal exactly when the elements are equal by value: the name; the length; the
 * sequence's row id (one row per distinct sequence), for both sequence attributes; name, NUL,
 * length for a pair (the length's digits after the last NUL make the split unambiguous). Orders:
 * the member's position, or for sorted_sequences the ga4gh digest (ties are equal keys).
 */
const SIDE_KEY: Readonly<Record<Level2Attribute, { key: string; order: string }>> = {
  names: { key: 'x.name', order: 'x.o' },
  lengths: { key: 'x.length', order: 'x.o' },
  sequences: { key: 'x.seq', order: 'x.o' },
  name_length_pairs: { key: 'x.name || char(0) || x.length', order: 'x.o' },
  sorted_sequences: { key: 'x.seq', order: 's.ga4gh' },
};

const sideSource = (table: string, attribute: Level2Attribute, withOrder: boolean): string => {
  const { key, order } = SIDE_KEY[attribute];
  const join = order === 's.ga4gh' && withOrder ? ' JOIN sequences s ON s.id = x.seq' : '';
  return `SELECT ${key} AS k${withOrder ? `, ${order} AS o` : ''} FROM temp.${table} x${join}`;
};

const postedSource = (attribute: Level2Attribute, withOrder: boolean): string =>
  `SELECT k${withOrder ? ', o' : ''} FROM temp.compare_posted WHERE attribute = '${attribute}'`;

interface Sources {
  a: string;
  aKeys: string;
  b: string;
  bKeys: string;
}

/** |Af|, |Bf|, and at how many ranks they differ. `multiset`: also, for how many keys the counts differ. */
const comparisonSql = ({ a, aKeys, b, bKeys }: Sources, multiset: boolean): string => `
  WITH af AS MATERIALIZED (SELECT k, row_number() OVER (ORDER BY o) AS r FROM (${a}) WHERE k IN (${bKeys})),
  bf AS MATERIALIZED (SELECT k, row_number() OVER (ORDER BY o) AS r FROM (${b}) WHERE k IN (${aKeys}))
  SELECT na, nb,
    -- The order matters only when both sides keep as many elements (else sameOrder is null):
    -- CASE evaluates the join and the multiset check only then.
    CASE WHEN na = nb THEN (SELECT count(*) FROM af JOIN bf ON af.r = bf.r WHERE af.k IS NOT bf.k) ELSE 0 END AS differ,
    ${
      multiset
        ? `CASE WHEN na = nb THEN (SELECT count(*) FROM (SELECT k FROM (SELECT k, 1 AS n FROM af UNION ALL SELECT k, -1 FROM bf)
            GROUP BY k HAVING sum(n) != 0)) ELSE 0 END`
        : '0'
    } AS unbalanced
  FROM (SELECT (SELECT count(*) FROM af) AS na, (SELECT count(*) FROM bf) AS nb)`;

interface CountsRow {
  na: number;
  nb: number;
  differ: number;
  unbalanced: number;
}

const counts = (na: number, nb: number, equal: boolean): ElementCounts => ({
  count: Math.min(na, nb),
  sameOrder: na + nb === 0 || na !== nb ? null : equal,
});

/**
 * Names, and so name/length pairs, are unique within a stored collection (ingest refuses a file
 * that repeats a record name), so for two stored collections each element of A matches at most
 * one of B: Af and Bf are the two sides of a join on the name, and they are in the same order
 * exactly when B's positions increase along A's. An index on B's names makes that join one seek
 * per member: 1.2-1.5 s for both attributes of two 1,000,000-member collections, against 8.3 s
 * for the general filter-and-number query.
 */
const uniqueKeySql = (withLength: boolean): string => `
  WITH j AS MATERIALIZED (SELECT a.o AS ao, b.o AS bo FROM temp.compare_a a
    JOIN temp.compare_b b ON b.name = a.name${withLength ? ' AND b.length = a.length' : ''})
  SELECT (SELECT count(*) FROM j) AS n,
    (SELECT count(*) FROM (SELECT bo, lag(bo) OVER (ORDER BY ao) AS prev FROM j) WHERE bo < prev) AS inversions`;

const FILL_SIDE = (table: string): string => `INSERT INTO temp.${table} (o, name, seq, length)
  SELECT m.position, m.name, m.sequence_id, s.length FROM collection_members m JOIN sequences s ON s.id = m.sequence_id
  WHERE m.collection_id = ? ORDER BY m.position`;

/** Element comparisons between stored collections, or a stored and a posted one, on one connection. */
export class CollectionComparer {
  private readonly db: Database;
  private readonly fillA: Statement;
  private readonly fillB: Statement;
  private readonly insertPosted: Statement;
  private readonly seqByGa4gh: Statement;
  private readonly stored = new Map<Level2Attribute, Statement>();
  private readonly byName: { names: Statement; name_length_pairs: Statement };
  private readonly posted = new Map<Level2Attribute, Statement>();

  /** `db` may be read-only: only temporary tables are written. */
  constructor(db: Database) {
    this.db = db;
    // `o` is the rowid: a side is filled and read in position order without a sort. `k` in the
    // posted table has no declared type, so no affinity turns one kind of key into another.
    db.exec(`
      CREATE TEMP TABLE IF NOT EXISTS compare_a (o INTEGER PRIMARY KEY, name TEXT, seq INTEGER, length INTEGER);
      CREATE TEMP TABLE IF NOT EXISTS compare_b (o INTEGER PRIMARY KEY, name TEXT, seq INTEGER, length INTEGER);
      CREATE TEMP TABLE IF NOT EXISTS compare_posted (attribute TEXT NOT NULL, o INTEGER NOT NULL, k,
        PRIMARY KEY (attribute, o)) WITHOUT ROWID;`);
    this.fillA = db.prepare(FILL_SIDE('compare_a'));
    this.fillB = db.prepare(FILL_SIDE('compare_b'));
    this.insertPosted = db.prepare('INSERT INTO temp.compare_posted (attribute, o, k) VALUES (?, ?, ?)');
    this.seqByGa4gh = db.prepare('SELECT id FROM sequences WHERE ga4gh = ?').pluck();
    this.byName = { names: db.prepare(uniqueKeySql(false)), name_length_pairs: db.prepare(uniqueKeySql(true)) };
    for (const attribute of LEVEL2_ATTRIBUTES) {
      const a = { a: sideSource('compare_a', attribute, true), aKeys: sideSource('compare_a', attribute, false) };
      if (attribute === 'lengths' || attribute === 'sequences') {
        const b = { b: sideSource('compare_b', attribute, true), bKeys: sideSource('compare_b', attribute, false) };
        this.stored.set(attribute, db.prepare(comparisonSql({ ...a, ...b }, attribute === 'sequences')));
      }
      const posted = { b: postedSource(attribute, true), bKeys: postedSource(attribute, false) };
      this.posted.set(attribute, db.prepare(comparisonSql({ ...a, ...posted }, false)));
    }
  }

  /** Every level-2 attribute of two stored collections (by row id). */
  compareStored(a: number, b: number): Required<ElementComparisons> {
    try {
      this.fillA.run(a);
      this.fillB.run(b);
      const row = (attribute: Level2Attribute): CountsRow => this.stored.get(attribute)!.get() as CountsRow;
      const out = {} as Record<Level2Attribute, ElementCounts>;
      const lengths = row('lengths');
      out.lengths = counts(lengths.na, lengths.nb, lengths.differ === 0);
      // Built after the fill: one sort, instead of a million index inserts while filling.
      this.db.exec('CREATE INDEX temp.compare_b_name ON compare_b (name)');
      for (const attribute of ['name_length_pairs', 'names'] as const) {
        const j = this.byName[attribute].get() as { n: number; inversions: number };
        out[attribute] = counts(j.n, j.n, j.inversions === 0);
      }
      const seq = row('sequences');
      out.sequences = counts(seq.na, seq.nb, seq.differ === 0);
      // Sorted, Af and Bf are equal exactly when they hold each sequence equally often (both hold
      // the same distinct sequences): no second pass over the members is needed.
      out.sorted_sequences = counts(seq.na, seq.nb, seq.unbalanced === 0);
      return out;
    } finally {
      this.db.exec('DROP INDEX IF EXISTS temp.compare_b_name; DELETE FROM temp.compare_a; DELETE FROM temp.compare_b');
    }
  }

  /** The given level-2 attributes of a stored collection (A, by row id) and posted arrays (B). */
  comparePosted(a: number, posted: Partial<Record<Level2Attribute, readonly unknown[]>>): ElementComparisons {
    const out: ElementComparisons = {};
    try {
      this.fillA.run(a);
      this.db.transaction(() => {
        for (const attribute of LEVEL2_ATTRIBUTES) {
          posted[attribute]?.forEach((element, i) => this.insertPosted.run(attribute, i, this.postedKey(attribute, element)));
        }
      })();
      for (const attribute of LEVEL2_ATTRIBUTES) {
        if (posted[attribute] === undefined) continue;
        const r = this.posted.get(attribute)!.get() as CountsRow;
        out[attribute] = counts(r.na, r.nb, r.differ === 0);
      }
      return out;
    } finally {
      this.db.exec('DELETE FROM temp.compare_a; DELETE FROM temp.compare_posted');
    }
  }

  /**
   * A posted element's key, as SIDE_KEY computes it for a stored one. An element with no stored
   * equivalent (an id of no stored sequence, a pair with other keys) is keyed by a BLOB, which
   * SQLite never finds equal to a TEXT or INTEGER key.
   */
  private postedKey(attribute: Level2Attribute, element: unknown): string | number | Buffer {
    const other = (): Buffer => Buffer.from(canonicalJson(element));
    switch (attribute) {
      case 'names':
        return typeof element === 'string' ? element : other();
      case 'lengths':
        return typeof element === 'number' ? element : other();
      case 'sequences':
      case 'sorted_sequences': {
        const id = typeof element === 'string' && element.startsWith('SQ.') ? this.seqByGa4gh.get(element.slice(3)) : undefined;
        return typeof id === 'number' ? id : other();
      }
      case 'name_length_pairs': {
        const pair = element as Record<string, unknown> | null;
        const exact =
          typeof pair === 'object' &&
          pair !== null &&
          Object.keys(pair).length === 2 &&
          typeof pair['name'] === 'string' &&
          typeof pair['length'] === 'number';
        return exact ? `${pair['name'] as string}\0${pair['length'] as number}` : other();
      }
    }
  }
}
