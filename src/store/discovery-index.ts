// Read queries behind the discovery API: naming authorities, aliases, collections and
// the per-collection sequence mapping, each as a counted, paged listing.
//
// Listings are read in batches by keyset ("rows after the last one sent", in index order), each
// batch one short `.all()`. An open `.iterate()` would instead hold the connection's read
// snapshot and lock its statement for as long as a client takes to read the response: two
// concurrent streams of the same listing would fail ("statement is busy"), and one stalled
// client would pin the snapshot, so the server would stop seeing new ingests and the WAL could
// not be checkpointed. The price: rows committed by an ingest while a long listing streams may
// appear in it (ingest only adds rows; `total` is counted when the listing starts).
import { BoundedCache } from './bounded-cache.js';
import type { Statement } from 'better-sqlite3';
import { AppError } from '../errors.js';
import type { Db } from './index/database.js';

/**
 * Which rows of a listing: `limit` null = all rows from `offset` on. `after`: a cursor a
 * listing gave (Listing.cursorOf) instead of an offset: the rows after that row, found with one
 * index seek however deep it is.
 */
export interface Page {
  readonly offset: number;
  readonly limit: number | null;
  readonly after?: string | undefined;
}

export interface Listing<Row> {
  /** rows matching the filters, ignoring offset and limit */
  readonly total: number;
  /** The page's rows, at most `batchSize` per batch; each batch is fetched when asked for. */
  batches(batchSize: number): Generator<Row[], void, undefined>;
  /** The cursor that continues after a row (Page.after), for listings that take one. */
  readonly cursorOf?: (row: Row) => string;
}

export interface NamingAuthorityRow {
  readonly name: string;
  readonly aliasCount: number;
  readonly loadedAt: string;
}

export interface AliasRow {
  readonly namingAuthority: string;
  readonly alias: string;
  readonly sequenceId: number;
  readonly md5: string;
  /** sha512t24u without 'SQ.' */
  readonly ga4gh: string;
  readonly length: number;
}

export interface AliasFilter {
  /** exact, case-insensitive (authorities are stored lower-case) */
  readonly namingAuthority?: string | undefined;
  /** exact, case-sensitive */
  readonly alias?: string | undefined;
  /** alias starts with this, case-sensitive */
  readonly prefix?: string | undefined;
}

export interface CollectionSummaryRow {
  readonly id: number;
  /** seqcol level-0 digest */
  readonly digest: string;
  /** human names (collection_names), sorted; often none */
  readonly names: readonly string[];
  readonly sequenceCount: number;
  readonly totalLength: number;
}

export interface CollectionSequenceRow {
  readonly position: number;
  readonly name: string;
  readonly sequenceId: number;
  readonly md5: string;
  readonly ga4gh: string;
  readonly length: number;
  readonly circular: boolean;
  /** every alias of the sequence, by authority then alias */
  readonly aliases: readonly { readonly namingAuthority: string; readonly alias: string }[];
}

interface PagedStatements {
  readonly first: Statement;
  readonly after: Statement;
  readonly count: Statement;
}

/** Collections (per hidden set) whose member authorities are kept: a few strings each. */
const MEMBER_AUTHORITY_CACHE_ENTRIES = 1000;

/** The key an alias listing is ordered by: where a cursor points. */
interface AliasKey {
  readonly namingAuthority: string;
  readonly alias: string;
  readonly sequenceId: number;
}

/** Decodes an alias listing's cursor (base64url of the JSON array [authority, alias, sequence row]). */
function aliasCursor(cursor: string): AliasKey {
  const bad = (): AppError => new AppError('INVALID_PARAMETER', 'after is not a cursor this listing gave');
  if (cursor.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (
    !Array.isArray(value) ||
    value.length !== 3 ||
    typeof value[0] !== 'string' ||
    typeof value[1] !== 'string' ||
    !Number.isSafeInteger(value[2])
  )
    throw bad();
  return { namingAuthority: value[0], alias: value[1], sequenceId: value[2] as number };
}

/**
 * Yields a page in batches: the first batch by OFFSET, the rest by keyset after the last row, so
 * each batch costs one index seek however deep into the listing it is.
 */
function* keysetBatches<Row, Key = Row>(
  page: Page,
  batchSize: number,
  first: (limit: number, offset: number) => Row[],
  after: (last: Row | Key, limit: number) => Row[],
  start?: Key,
): Generator<Row[], void, undefined> {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  let remaining = page.limit ?? Number.POSITIVE_INFINITY;
  let last: Row | Key | undefined = start;
  while (remaining > 0) {
    const want = Math.min(batchSize, remaining);
    const rows: Row[] = last === undefined ? first(want, page.offset) : after(last, want);
    if (rows.length > 0) {
      remaining -= rows.length;
      last = rows[rows.length - 1];
      yield rows;
    }
    if (rows.length < want) return;
  }
}

/**
 * The smallest string greater than every string starting with `prefix` (in code point order,
 * which is SQLite's BINARY order over UTF-8), or undefined if there is none to compute.
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const chars = [...prefix];
  while (chars.length > 0) {
    const cp = chars.pop()!.codePointAt(0)!;
    if (cp < 0x10ffff) {
      const next = cp + 1 === 0xd800 ? 0xe000 : cp + 1; // skip the surrogate block
      return chars.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}

const ALIAS_COLUMNS = `a.naming_authority AS namingAuthority, a.alias, a.sequence_id AS sequenceId,
  s.md5, s.ga4gh, s.length`;
const ALIAS_ORDER = 'ORDER BY a.naming_authority, a.alias, a.sequence_id';

import { ALIAS_VISIBLE, COLLECTION_NOT_HIDDEN, NOT_HIDDEN_ID } from './visibility-sql.js';

export class DiscoveryIndex {
  private readonly db: Db;
  private readonly aliasStatements = new Map<string, PagedStatements>();
  /** the listings' variants that leave out hidden collections, prepared on first use */
  private hiddenStatements:
    { authorities: PagedStatements; collections: PagedStatements; collectionsByName: PagedStatements } | undefined;
  private readonly stmt: {
    authorities: PagedStatements;
    collections: PagedStatements;
    collectionsByName: PagedStatements;
    collectionNames: Statement;
    collectionByName: Statement;
    members: { first: Statement; after: Statement };
    memberAuthorities: Statement;
    sequenceAliases: Statement;
    /** the same two, leaving out aliases the caller may not see */
    visibleMemberAuthorities: Statement;
    visibleSequenceAliases: Statement;
    dataVersion: Statement;
  };
  /**
   * Member authorities by collection (and hidden set): computing them scans every member's
   * aliases (~120 ms for a million members), and every page of a member listing asks. Kept
   * until another connection commits (an ingest may add aliases), which PRAGMA data_version tells.
   */
  private readonly memberAuthorityCache = new BoundedCache<string, string[]>({ entries: MEMBER_AUTHORITY_CACHE_ENTRIES });
  /** Alias listing totals (cachedCount). */
  private readonly countCache = new BoundedCache<string, number>({ entries: MEMBER_AUTHORITY_CACHE_ENTRIES });
  private memberAuthorityVersion = -1;

  constructor(db: Db) {
    this.db = db;
    const authorityRows = `SELECT n.name, n.loaded_at AS loadedAt,
      (SELECT count(*) FROM aliases a WHERE a.naming_authority = n.name) AS aliasCount FROM naming_authorities n`;
    const collectionRows =
      'SELECT c.id, c.digest, c.sequence_count AS sequenceCount, c.total_length AS totalLength FROM collections c';
    const named = 'c.id IN (SELECT collection_id FROM collection_names WHERE name = @name)';
    const memberRows = `SELECT m.position, m.name, m.sequence_id AS sequenceId, s.md5, s.ga4gh, s.length, s.circular
      FROM collection_members m JOIN sequences s ON s.id = m.sequence_id WHERE m.collection_id = @collection`;
    this.stmt = {
      authorities: {
        first: db.prepare(`${authorityRows} ORDER BY n.name LIMIT @limit OFFSET @offset`),
        after: db.prepare(`${authorityRows} WHERE n.name > @last ORDER BY n.name LIMIT @limit`),
        count: db.prepare('SELECT count(*) FROM naming_authorities').pluck(),
      },
      collections: {
        first: db.prepare(`${collectionRows} ORDER BY c.digest LIMIT @limit OFFSET @offset`),
        after: db.prepare(`${collectionRows} WHERE c.digest > @last ORDER BY c.digest LIMIT @limit`),
        count: db.prepare('SELECT count(*) FROM collections').pluck(),
      },
      collectionsByName: {
        first: db.prepare(`${collectionRows} WHERE ${named} ORDER BY c.digest LIMIT @limit OFFSET @offset`),
        after: db.prepare(`${collectionRows} WHERE ${named} AND c.digest > @last ORDER BY c.digest LIMIT @limit`),
        count: db.prepare(`SELECT count(*) FROM collections c WHERE ${named}`).pluck(),
      },
      collectionNames: db.prepare('SELECT name FROM collection_names WHERE collection_id = ? ORDER BY name').pluck(),
      collectionByName: db
        .prepare(
          `SELECT c.digest FROM collection_names n JOIN collections c ON c.id = n.collection_id
        WHERE n.name = ?`,
        )
        .pluck(),
      members: {
        // Positions are 0..n-1 in file order (ingest numbers the records of a file), so an
        // offset is a position: one index seek at any depth instead of stepping over `offset` rows.
        first: db.prepare(`${memberRows} AND m.position >= @offset ORDER BY m.position LIMIT @limit`),
        after: db.prepare(`${memberRows} AND m.position > @last ORDER BY m.position LIMIT @limit`),
      },
      memberAuthorities: db
        .prepare(
          `SELECT DISTINCT a.naming_authority FROM collection_members m
        JOIN aliases a ON a.sequence_id = m.sequence_id WHERE m.collection_id = ? ORDER BY 1`,
        )
        .pluck(),
      sequenceAliases: db.prepare(`SELECT naming_authority AS namingAuthority, alias FROM aliases
        WHERE sequence_id = @sequence ORDER BY naming_authority, alias`),
      visibleMemberAuthorities: db
        .prepare(
          `SELECT DISTINCT a.naming_authority FROM collection_members m
        JOIN aliases a ON a.sequence_id = m.sequence_id WHERE m.collection_id = @collection AND ${ALIAS_VISIBLE} ORDER BY 1`,
        )
        .pluck(),
      visibleSequenceAliases: db.prepare(`SELECT a.naming_authority AS namingAuthority, a.alias FROM aliases a
        WHERE a.sequence_id = @sequence AND ${ALIAS_VISIBLE} ORDER BY a.naming_authority, a.alias`),
      dataVersion: db.prepare('PRAGMA data_version').pluck(),
    };
  }

  /**
   * Every naming authority with its alias count and when an ingest last added to it, by name.
   * `hidden` (JSON array of collection ids): counts leave out aliases of sequences only in those.
   */
  namingAuthorities(page: Page, hidden?: string): Listing<NamingAuthorityRow> {
    const s = hidden === undefined ? this.stmt.authorities : this.hidden().authorities;
    const params = hidden === undefined ? {} : { hidden };
    return {
      total: s.count.get(params) as number,
      batches: (size) =>
        keysetBatches<NamingAuthorityRow>(
          page,
          size,
          (limit, offset) => s.first.all({ ...params, limit, offset }) as NamingAuthorityRow[],
          (last, limit) => s.after.all({ ...params, last: last.name, limit }) as NamingAuthorityRow[],
        ),
    };
  }

  private hidden(): NonNullable<DiscoveryIndex['hiddenStatements']> {
    if (this.hiddenStatements === undefined) {
      const db = this.db;
      // An authority with no alias the caller may see is left out altogether.
      // Its time is that of the newest visible collection it has aliases from: the authority's own
      // time would tell when a private ingest last added to it.
      const authorityRows = `SELECT * FROM (SELECT n.name,
        (SELECT max(c.added_at) FROM alias_sources src JOIN collections c ON c.id = src.collection_id
          WHERE src.naming_authority = n.name AND c.id ${NOT_HIDDEN_ID}) AS loadedAt,
        (SELECT count(*) FROM aliases a WHERE a.naming_authority = n.name AND ${ALIAS_VISIBLE}) AS aliasCount
        FROM naming_authorities n) n WHERE n.aliasCount > 0`;
      const collectionRows = `SELECT c.id, c.digest, c.sequence_count AS sequenceCount, c.total_length AS totalLength FROM collections c
        WHERE ${COLLECTION_NOT_HIDDEN}`;
      const named = 'c.id IN (SELECT collection_id FROM collection_names WHERE name = @name)';
      this.hiddenStatements = {
        authorities: {
          first: db.prepare(`${authorityRows} ORDER BY n.name LIMIT @limit OFFSET @offset`),
          after: db.prepare(`${authorityRows} AND n.name > @last ORDER BY n.name LIMIT @limit`),
          count: db
            .prepare(
              `SELECT count(*) FROM naming_authorities n
            WHERE EXISTS (SELECT 1 FROM aliases a WHERE a.naming_authority = n.name AND ${ALIAS_VISIBLE})`,
            )
            .pluck(),
        },
        collections: {
          first: db.prepare(`${collectionRows} ORDER BY c.digest LIMIT @limit OFFSET @offset`),
          after: db.prepare(`${collectionRows} AND c.digest > @last ORDER BY c.digest LIMIT @limit`),
          count: db.prepare(`SELECT count(*) FROM collections c WHERE ${COLLECTION_NOT_HIDDEN}`).pluck(),
        },
        collectionsByName: {
          first: db.prepare(`${collectionRows} AND ${named} ORDER BY c.digest LIMIT @limit OFFSET @offset`),
          after: db.prepare(`${collectionRows} AND ${named} AND c.digest > @last ORDER BY c.digest LIMIT @limit`),
          count: db.prepare(`SELECT count(*) FROM collections c WHERE ${COLLECTION_NOT_HIDDEN} AND ${named}`).pluck(),
        },
      };
    }
    return this.hiddenStatements;
  }

  /**
   * Aliases with their sequence's digests, by authority, alias, then sequence (a stable order).
   * Takes a cursor (Page.after) from cursorOf.
   */
  aliases(filter: AliasFilter, page: Page, hidden?: string): Listing<AliasRow> {
    const start = page.after === undefined ? undefined : aliasCursor(page.after);
    const params: Record<string, string> = {};
    // `where` selects the rows; `after` is the same minus the prefix's lower bound, which the
    // keyset replaces, so each later batch starts at its cursor in the (authority, alias) key.
    const where: string[] = [];
    const after: string[] = [];
    let key = '';
    if (filter.namingAuthority !== undefined) {
      where.push('a.naming_authority = @authority');
      params.authority = filter.namingAuthority.toLowerCase();
      key += 'n';
    }
    if (filter.alias !== undefined) {
      where.push('a.alias = @alias');
      params.alias = filter.alias;
      key += 'a';
    }
    if (hidden !== undefined) {
      where.push(ALIAS_VISIBLE);
      params.hidden = hidden;
      key += 'h';
    }
    after.push(...where);
    if (filter.prefix !== undefined && filter.prefix !== '') {
      // The range lets SQLite seek the key; substr() keeps the match exact whatever the bound.
      where.push('a.alias >= @prefix');
      const exact = 'substr(a.alias, 1, length(@prefix)) = @prefix';
      where.push(exact);
      after.push(exact);
      params.prefix = filter.prefix;
      key += 'p';
      const upper = prefixUpperBound(filter.prefix);
      if (upper !== undefined) {
        where.push('a.alias < @upper');
        after.push('a.alias < @upper');
        params.upper = upper;
        key += 'u';
      }
    }
    // With the authority fixed, the cursor is (alias, sequence) inside it: an index seek.
    after.push(
      filter.namingAuthority !== undefined
        ? '(a.alias, a.sequence_id) > (@lastAlias, @lastSequence)'
        : '(a.naming_authority, a.alias, a.sequence_id) > (@lastAuthority, @lastAlias, @lastSequence)',
    );
    const s = this.aliasStatementsFor(key, where, after);
    return {
      total: this.cachedCount(`aliases ${key}`, s.count, params),
      batches: (size) =>
        keysetBatches<AliasRow, AliasKey>(
          page,
          size,
          (limit, offset) => s.first.all({ ...params, limit, offset }) as AliasRow[],
          (last, limit) =>
            s.after.all({
              ...params,
              limit,
              lastAuthority: last.namingAuthority,
              lastAlias: last.alias,
              lastSequence: last.sequenceId,
            }) as AliasRow[],
          start,
        ),
      cursorOf: (row) => Buffer.from(JSON.stringify([row.namingAuthority, row.alias, row.sequenceId])).toString('base64url'),
    };
  }

  /** Collections by level-0 digest, optionally only those carrying a human name. */
  collections(filter: { readonly name?: string | undefined }, page: Page, hidden?: string): Listing<CollectionSummaryRow> {
    const byName = filter.name !== undefined;
    const statements = hidden === undefined ? this.stmt : this.hidden();
    const s = byName ? statements.collectionsByName : statements.collections;
    const params = { ...(byName ? { name: filter.name } : {}), ...(hidden === undefined ? {} : { hidden }) };
    const withNames = (rows: Omit<CollectionSummaryRow, 'names'>[]): CollectionSummaryRow[] =>
      rows.map((r) => ({ ...r, names: this.collectionNames(r.id) }));
    return {
      total: s.count.get(params) as number,
      batches: (size) =>
        keysetBatches<CollectionSummaryRow>(
          page,
          size,
          (limit, offset) => withNames(s.first.all({ ...params, limit, offset }) as CollectionSummaryRow[]),
          (last, limit) => withNames(s.after.all({ ...params, last: last.digest, limit }) as CollectionSummaryRow[]),
        ),
    };
  }

  /** Human names of one collection, sorted. */
  collectionNames(collectionId: number): string[] {
    return this.stmt.collectionNames.all(collectionId) as string[];
  }

  /** Both caches hold until another connection commits (an ingest), which PRAGMA data_version tells. */
  private dropCachesIfChanged(): void {
    const version = this.stmt.dataVersion.get() as number;
    if (version !== this.memberAuthorityVersion) {
      this.memberAuthorityCache.clear();
      this.countCache.clear();
      this.memberAuthorityVersion = version;
    }
  }

  /**
   * A listing's total, kept per statement and parameters: counting millions of aliases takes
   * longer than the page itself, and a client walking the list by cursor asks for it every page.
   */
  private cachedCount(key: string, statement: Statement, params: Record<string, string>): number {
    this.dropCachesIfChanged();
    const full = `${key}\u0000${JSON.stringify(params)}`;
    let total = this.countCache.get(full);
    if (total === undefined) {
      total = statement.get(params) as number;
      this.countCache.set(full, total);
    }
    return total;
  }

  /** Level-0 digest of the collection with this human name, if any. */
  collectionDigestByName(name: string): string | undefined {
    return this.stmt.collectionByName.get(name) as string | undefined;
  }

  /** Naming authorities of any alias (the caller may see) of any member of the collection, sorted. */
  memberNamingAuthorities(collectionId: number, hidden?: string): readonly string[] {
    this.dropCachesIfChanged();
    const key = `${collectionId} ${hidden ?? ''}`;
    let authorities = this.memberAuthorityCache.get(key);
    if (authorities === undefined) {
      authorities = (
        hidden === undefined
          ? this.stmt.memberAuthorities.all(collectionId)
          : this.stmt.visibleMemberAuthorities.all({ collection: collectionId, hidden })
      ) as string[];
      this.memberAuthorityCache.set(key, authorities);
    }
    return authorities;
  }

  /** The members of a collection in order, each with its digests, flags and the aliases the caller may see. */
  collectionSequences(
    collection: { readonly id: number; readonly sequenceCount: number },
    page: Page,
    hidden?: string,
  ): Listing<CollectionSequenceRow> {
    const s = this.stmt.members;
    const aliasesOf = (sequence: number): CollectionSequenceRow['aliases'] =>
      (hidden === undefined
        ? this.stmt.sequenceAliases.all({ sequence })
        : this.stmt.visibleSequenceAliases.all({ sequence, hidden })) as CollectionSequenceRow['aliases'];
    const complete = (
      rows: (Omit<CollectionSequenceRow, 'aliases' | 'circular'> & { circular: number })[],
    ): CollectionSequenceRow[] => rows.map((r) => ({ ...r, circular: r.circular === 1, aliases: aliasesOf(r.sequenceId) }));
    type Raw = Parameters<typeof complete>[0];
    return {
      total: collection.sequenceCount,
      batches: (size) =>
        keysetBatches<CollectionSequenceRow>(
          page,
          size,
          (limit, offset) => complete(s.first.all({ collection: collection.id, limit, offset }) as Raw),
          (last, limit) => complete(s.after.all({ collection: collection.id, last: last.position, limit }) as Raw),
        ),
    };
  }

  private aliasStatementsFor(key: string, where: readonly string[], after: readonly string[]): PagedStatements {
    let s = this.aliasStatements.get(key);
    if (s === undefined) {
      // Only the fixed SQL fragments above reach the text; every value is a bound parameter.
      const cond = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
      const from = 'FROM aliases a JOIN sequences s ON s.id = a.sequence_id';
      s = {
        first: this.db.prepare(`SELECT ${ALIAS_COLUMNS} ${from} ${cond} ${ALIAS_ORDER} LIMIT @limit OFFSET @offset`),
        after: this.db.prepare(`SELECT ${ALIAS_COLUMNS} ${from} WHERE ${after.join(' AND ')} ${ALIAS_ORDER} LIMIT @limit`),
        count: this.db.prepare(`SELECT count(*) FROM aliases a ${cond}`).pluck(),
      };
      this.aliasStatements.set(key, s);
    }
    return s;
  }
}
