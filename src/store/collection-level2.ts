// A stored collection's level-2 JSON (or one attribute's array) as a sequence of text chunks read
// from SQLite cursors, so a million-member collection is never one JavaScript object or string.
// The text is exactly what JSON.stringify of the level-2 object gives, with every non-ASCII
// character escaped (the served media type is US-ASCII JSON).
import type { Database, Statement } from 'better-sqlite3';
import { LEVEL2_ATTRIBUTES } from '../seqcol/collection.js';
import type { Level2Attribute } from './collection-compare.js';

/** Chunks are cut at about this many characters. */
export const LEVEL2_CHUNK_CHARS = 1 << 16;

const NON_ASCII = /[\u007f-\uffff]/;
const NON_ASCII_ALL = /[\u007f-\uffff]/g;

/** JSON of a string, US-ASCII only. */
function asciiString(value: string): string {
  const json = JSON.stringify(value);
  return NON_ASCII.test(json) ? json.replace(NON_ASCII_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

/** Members read per query: each query is short, so no cursor stays open between chunks. */
const WINDOW = 4096;

/** Per attribute: the columns read (position last) and the JSON text of one element. */
const COLUMNS: Readonly<Record<Exclude<Level2Attribute, 'sorted_sequences'>, { sql: string; join: boolean }>> = {
  lengths: { sql: 's.length', join: true },
  name_length_pairs: { sql: 'm.name, s.length', join: true },
  names: { sql: 'm.name', join: false },
  sequences: { sql: 's.ga4gh', join: true },
};

type Row = [string | number, ...(string | number)[]];

const ELEMENT: Readonly<Record<Exclude<Level2Attribute, 'sorted_sequences'>, (row: Row) => string>> = {
  lengths: (row) => String(row[0]),
  name_length_pairs: (row) => `{"name":${asciiString(row[0] as string)},"length":${row[1] as number}}`,
  names: (row) => asciiString(row[0] as string),
  sequences: (row) => `"SQ.${row[0] as string}"`,
};

export class Level2Reader {
  private readonly windows: ReadonlyMap<Level2Attribute, Statement>;
  private readonly sorted: Statement;

  constructor(db: Database) {
    // Keyset windows by position (the primary key): each costs the same wherever it starts. One
    // attribute's columns per query: half the time of reading every column for every attribute.
    this.windows = new Map(
      Object.entries(COLUMNS).map(([attr, { sql, join }]) => [
        attr as Level2Attribute,
        db
          .prepare(
            `SELECT ${sql}, m.position FROM collection_members m ${join ? 'JOIN sequences s ON s.id = m.sequence_id' : ''}
             WHERE m.collection_id = ? AND m.position >= ? ORDER BY m.position LIMIT ${WINDOW}`,
          )
          .raw(),
      ]),
    );
    // ga4gh ids are ASCII: SQLite's byte order is the JavaScript sort's code-unit order. The
    // sort needs every member at once, so this one cursor stays open while the body is read.
    this.sorted = db
      .prepare(
        `SELECT s.ga4gh FROM collection_members m JOIN sequences s ON s.id = m.sequence_id
         WHERE m.collection_id = ? ORDER BY s.ga4gh`,
      )
      .pluck();
  }

  /**
   * Text chunks of the level-2 object of the collection with this row id, or of one attribute's
   * array. Each chunk holds a whole number of elements. A consumer that stops early must call
   * return() on the iterator (the sorted attribute's cursor is open until the end).
   */
  *chunks(collectionId: number, attribute?: Level2Attribute): Generator<string, void, undefined> {
    const attributes = attribute === undefined ? LEVEL2_ATTRIBUTES : [attribute];
    let text = attribute === undefined ? '{' : '';
    for (const [i, attr] of attributes.entries()) {
      if (attribute === undefined) text += `${i === 0 ? '' : ','}"${attr}":`;
      text += '[';
      let first = true;
      if (attr === 'sorted_sequences') {
        for (const ga4gh of this.sorted.iterate(collectionId) as IterableIterator<string>) {
          text += first ? `"SQ.${ga4gh}"` : `,"SQ.${ga4gh}"`;
          first = false;
          if (text.length >= LEVEL2_CHUNK_CHARS) {
            yield text;
            text = '';
          }
        }
      } else {
        const element = ELEMENT[attr];
        const window = this.windows.get(attr)!;
        for (let from = 0; ;) {
          const rows = window.all(collectionId, from) as Row[];
          for (const row of rows) {
            text += first ? element(row) : `,${element(row)}`;
            first = false;
          }
          if (rows.length < WINDOW) break;
          from = (rows[rows.length - 1]!.at(-1) as number) + 1;
          if (text.length >= LEVEL2_CHUNK_CHARS) {
            yield text;
            text = '';
          }
        }
      }
      text += ']';
    }
    if (attribute === undefined) text += '}';
    yield text;
  }
}
