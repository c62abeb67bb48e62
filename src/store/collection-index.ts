// Read queries over stored sequence collections (seqcol): by digest, filtered lists, attribute
// lookups. Plain rows out; building level-1/level-2 JSON is seqcol/'s job.
import type { Statement } from 'better-sqlite3';
import type { Db } from './index/database.js';
import { COLLECTION_ATTRIBUTES, type CollectionAttribute } from '../seqcol/collection.js';

/** The column holding each attribute's level-1 digest. */
const ATTRIBUTE_COLUMNS: Readonly<Record<CollectionAttribute, string>> = {
  names: 'names_digest',
  lengths: 'lengths_digest',
  sequences: 'sequences_digest',
  name_length_pairs: 'name_length_pairs_digest',
  sorted_name_length_pairs: 'sorted_name_length_pairs_digest',
  sorted_sequences: 'sorted_sequences_digest',
};

/** Leaves out the collections whose ids are in a JSON array parameter (private collections). */
const NOT_HIDDEN = 'id NOT IN (SELECT value FROM json_each(?))';

export interface CollectionRow {
  readonly id: number;
  readonly digest: string;
  readonly level1: Readonly<Record<CollectionAttribute, string>>;
  readonly sequenceCount: number;
  readonly totalLength: number;
}

/** One member of a collection as downloads list it. */
export interface CollectionMemberRow {
  readonly position: number;
  readonly name: string;
  /** sha512t24u without 'SQ.' */
  readonly ga4gh: string;
  readonly length: number;
}

export interface CollectionMember {
  readonly name: string;
  readonly length: number;
  /** sha512t24u without 'SQ.' */
  readonly ga4gh: string;
}

interface RawRow {
  id: number;
  digest: string;
  names_digest: string;
  lengths_digest: string;
  sequences_digest: string;
  name_length_pairs_digest: string;
  sorted_name_length_pairs_digest: string;
  sorted_sequences_digest: string;
  sequence_count: number;
  total_length: number;
}

const toRow = (r: RawRow): CollectionRow => ({
  id: r.id,
  digest: r.digest,
  level1: {
    names: r.names_digest,
    lengths: r.lengths_digest,
    sequences: r.sequences_digest,
    name_length_pairs: r.name_length_pairs_digest,
    sorted_name_length_pairs: r.sorted_name_length_pairs_digest,
    sorted_sequences: r.sorted_sequences_digest,
  },
  sequenceCount: r.sequence_count,
  totalLength: r.total_length,
});

/** The statements for one attribute, with and without a hidden-collections filter. */
interface AttributeStatements {
  readonly withDigest: Statement;
  readonly withDigestShown: Statement;
  readonly digests: Statement;
  readonly digestsShown: Statement;
  readonly count: Statement;
  readonly countShown: Statement;
}

export class CollectionIndex {
  private readonly db: Db;
  private readonly byDigest: Statement;
  private readonly digestById: Statement;
  private readonly membersAfterStmt: Statement;
  private readonly fastaBytesStmt: Statement;
  private readonly members: Statement;
  private readonly byAttribute: ReadonlyMap<CollectionAttribute, AttributeStatements>;
  /** `list` statements by filter set: at most 2^6 × 2, each prepared on first use. */
  private readonly filtered = new Map<string, { page: Statement; count: Statement }>();

  constructor(db: Db) {
    this.db = db;
    this.byDigest = db.prepare('SELECT * FROM collections WHERE digest = ?');
    this.digestById = db.prepare('SELECT digest FROM collections WHERE id = ?').pluck();
    this.membersAfterStmt = db.prepare(`SELECT m.position, m.name, s.ga4gh, s.length FROM collection_members m
      JOIN sequences s ON s.id = m.sequence_id
      WHERE m.collection_id = @collection AND m.position > @after ORDER BY m.position LIMIT @limit`);
    // '>' + name + '\n', then the bases and one newline per started line of 60.
    this.fastaBytesStmt = db
      .prepare(
        `SELECT coalesce(sum(length(m.name) + 2 + s.length + (s.length + 59) / 60), 0) FROM collection_members m
      JOIN sequences s ON s.id = m.sequence_id WHERE m.collection_id = ?`,
      )
      .pluck();
    this.members = db.prepare(`SELECT m.name, s.length, s.ga4gh FROM collection_members m
      JOIN sequences s ON s.id = m.sequence_id WHERE m.collection_id = ? ORDER BY m.position`);
    // Column names come only from the fixed ATTRIBUTE_COLUMNS table, never from a request.
    this.byAttribute = new Map(
      COLLECTION_ATTRIBUTES.map((attribute) => {
        const column = ATTRIBUTE_COLUMNS[attribute];
        return [
          attribute,
          {
            withDigest: db.prepare(`SELECT * FROM collections WHERE ${column} = ? LIMIT 1`),
            withDigestShown: db.prepare(`SELECT * FROM collections WHERE ${column} = ? AND ${NOT_HIDDEN} LIMIT 1`),
            digests: db.prepare(`SELECT DISTINCT ${column} FROM collections ORDER BY ${column} LIMIT ? OFFSET ?`).pluck(),
            digestsShown: db
              .prepare(`SELECT DISTINCT ${column} FROM collections WHERE ${NOT_HIDDEN} ORDER BY ${column} LIMIT ? OFFSET ?`)
              .pluck(),
            count: db.prepare(`SELECT count(DISTINCT ${column}) FROM collections`).pluck(),
            countShown: db.prepare(`SELECT count(DISTINCT ${column}) FROM collections WHERE ${NOT_HIDDEN}`).pluck(),
          },
        ];
      }),
    );
  }

  private statements(attribute: CollectionAttribute): AttributeStatements {
    return this.byAttribute.get(attribute)!;
  }

  /**
   * Members after position `after` (exclusive; -1 for the first), in order, at most `limit`: a
   * keyset page, one index seek at any depth (downloads of a whole collection read them so).
   */
  membersAfter(collectionId: number, after: number, limit: number): CollectionMemberRow[] {
    return this.membersAfterStmt.all({ collection: collectionId, after, limit }) as CollectionMemberRow[];
  }

  /** Bytes of the collection as FASTA: `>name` lines (names as Latin-1) and bases 60 to a line. */
  fastaBytes(collectionId: number): number {
    return this.fastaBytesStmt.get(collectionId) as number;
  }

  /** The level-0 digest of a collection by its row id. */
  digestOf(id: number): string {
    return this.digestById.get(id) as string;
  }

  get(digest: string): CollectionRow | undefined {
    const row = this.byDigest.get(digest) as RawRow | undefined;
    return row === undefined ? undefined : toRow(row);
  }

  membersOf(collection: CollectionRow): CollectionMember[] {
    return this.members.all(collection.id) as CollectionMember[];
  }

  /**
   * Collection digests matching ALL filters (attribute → level-1 digest), in digest order.
   * `hidden`: a JSON array of collection ids to leave out (private collections), if any.
   */
  list(
    filters: Partial<Record<CollectionAttribute, string>>,
    limit: number,
    offset: number,
    hidden?: string,
  ): { digests: string[]; total: number } {
    const attrs = (Object.keys(filters) as CollectionAttribute[]).sort();
    const key = `${attrs.join(',')}${hidden === undefined ? '' : '+hidden'}`;
    let stmts = this.filtered.get(key);
    if (stmts === undefined) {
      // Column names come only from the fixed ATTRIBUTE_COLUMNS table, never from the request.
      const conditions = attrs.map((a) => `${ATTRIBUTE_COLUMNS[a]} = ?`);
      if (hidden !== undefined) conditions.push(NOT_HIDDEN);
      const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
      stmts = {
        page: this.db.prepare(`SELECT digest FROM collections ${where} ORDER BY digest LIMIT ? OFFSET ?`).pluck(),
        count: this.db.prepare(`SELECT count(*) FROM collections ${where}`).pluck(),
      };
      this.filtered.set(key, stmts);
    }
    const values: string[] = attrs.map((a) => filters[a]!);
    if (hidden !== undefined) values.push(hidden);
    return {
      digests: stmts.page.all(...values, limit, offset) as string[],
      total: stmts.count.get(...values) as number,
    };
  }

  /** Some collection whose `attribute` has this level-1 digest (they all share its level 2). */
  withAttribute(attribute: CollectionAttribute, digest: string, hidden?: string): CollectionRow | undefined {
    const s = this.statements(attribute);
    const row = (hidden === undefined ? s.withDigest.get(digest) : s.withDigestShown.get(digest, hidden)) as RawRow | undefined;
    return row === undefined ? undefined : toRow(row);
  }

  /** Distinct level-1 digests of one attribute, in order. */
  attributeDigests(
    attribute: CollectionAttribute,
    limit: number,
    offset: number,
    hidden?: string,
  ): { digests: string[]; total: number } {
    const s = this.statements(attribute);
    return hidden === undefined
      ? { digests: s.digests.all(limit, offset) as string[], total: s.count.get() as number }
      : { digests: s.digestsShown.all(hidden, limit, offset) as string[], total: s.countShown.get(hidden) as number };
  }
}
