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

interface MemberRow {
  name: string;
  length: number;
  ga4gh: string;
}

/** The JSON text of one element of an attribute's array. */
const ELEMENT: Readonly<Record<Exclude<Level2Attribute, 'sorted_sequences'>, (m: MemberRow) => string>> = {
  lengths: (m) => String(m.length),
  name_length_pairs: (m) => `{"name":${asciiString(m.name)},"length":${m.length}}`,
  names: (m) => asciiString(m.name),
  sequences: (m) => `"SQ.${m.ga4gh}"`,
};

export class Level2Reader {
  private readonly members: Statement;
  private readonly sorted: Statement;

  constructor(db: Database) {
    this.members = db.prepare(`SELECT m.name, s.length, s.ga4gh FROM collection_members m
      JOIN sequences s ON s.id = m.sequence_id WHERE m.collection_id = ? ORDER BY m.position`);
    // ga4gh ids are ASCII: SQLite's byte order is the JavaScript sort's code-unit order.
    this.sorted = db
      .prepare(
        `SELECT s.ga4gh FROM collection_members m
      JOIN sequences s ON s.id = m.sequence_id WHERE m.collection_id = ? ORDER BY s.ga4gh`,
      )
      .pluck();
  }

  /**
   * Text chunks of the level-2 object of the collection with this row id, or of one attribute's
   * array. Each chunk holds a whole number of elements. The cursor stays open between chunks:
   * a consumer that stops early must call return() on the iterator.
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
        for (const m of this.members.iterate(collectionId) as IterableIterator<MemberRow>) {
          text += first ? element(m) : `,${element(m)}`;
          first = false;
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
