// Listings as JSON, TSV or CSV: the row writers, the choice of format (?format= wins over Accept)
// and the body, which is a string when the rows fit in two batches and otherwise a Readable that
// fetches and serialises one batch per read, so memory stays bounded whatever the row count.
import { Readable } from 'node:stream';
import { AppError } from '../errors.js';
import { negotiate } from './media-types.js';

export type ListingFormat = 'json' | 'tsv' | 'csv';
export const LISTING_FORMATS: readonly ListingFormat[] = ['json', 'tsv', 'csv'];

/** Listings are not refget payloads: plain JSON, and UTF-8 (aliases and names may be any text). */
export const LISTING_CONTENT_TYPES: Readonly<Record<ListingFormat, string>> = {
  json: 'application/json; charset=utf-8',
  tsv: 'text/tab-separated-values; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/** Rows fetched and serialised per step of a streamed listing. */
export const LISTING_BATCH_ROWS = 1000;

export type Cell = string | number | boolean | null;

/** How one kind of row is written: named columns for TSV/CSV, an object for JSON. */
export interface RowShape<Row> {
  readonly columns: readonly string[];
  cells(row: Row): readonly Cell[];
  json(row: Row): unknown;
}

export interface ListingMeta<Row> {
  readonly total: number;
  /** as requested: 0 means all rows */
  readonly limit: number;
  readonly offset: number;
  /** extra top-level JSON members, written before `total` */
  readonly extra?: Readonly<Record<string, unknown>>;
  /**
   * For listings that take a cursor: JSON ends with `next`, the cursor after the page's last row
   * when the page is full (more rows may follow), else null.
   */
  readonly cursorOf?: ((row: Row) => string) | undefined;
}

/** `?format=` if given (it wins), else the Accept header; JSON by default. */
export function chooseListingFormat(format: string | undefined, accept: string | undefined): ListingFormat {
  if (format !== undefined) {
    if ((LISTING_FORMATS as readonly string[]).includes(format)) return format as ListingFormat;
    throw new AppError('INVALID_PARAMETER', `format must be one of ${LISTING_FORMATS.join(', ')}`);
  }
  return negotiate(accept, LISTING_FORMATS) as ListingFormat;
}

const cellText = (value: Cell): string => (value === null ? '' : String(value));

/**
 * TSV has no quoting, so the characters that would break a row are escaped the way PostgreSQL's
 * and MySQL's text formats do: backslash, tab, newline and carriage return become `\\`, `\t`,
 * `\n`, `\r`. Any other text is written as it is.
 */
export function tsvField(value: Cell): string {
  return cellText(value).replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** RFC 4180: a field holding a comma, double quote, CR or LF is quoted, with quotes doubled. */
export function csvField(value: Cell): string {
  const text = cellText(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

// RFC 4180 records end in CRLF; TSV (IANA text/tab-separated-values) lines in LF.
const tsvLine = (cells: readonly Cell[]): string => `${cells.map(tsvField).join('\t')}\n`;
const csvLine = (cells: readonly Cell[]): string => `${cells.map(csvField).join(',')}\r\n`;

function head<Row>(format: ListingFormat, shape: RowShape<Row>, meta: ListingMeta<Row>): string {
  if (format === 'tsv') return tsvLine(shape.columns);
  if (format === 'csv') return csvLine(shape.columns);
  const top = { ...meta.extra, total: meta.total, limit: meta.limit, offset: meta.offset };
  return `${JSON.stringify(top).slice(0, -1)},"results":[`;
}

function rowsText<Row>(format: ListingFormat, shape: RowShape<Row>, rows: readonly Row[], first: boolean): string {
  if (format === 'tsv') return rows.map((r) => tsvLine(shape.cells(r))).join('');
  if (format === 'csv') return rows.map((r) => csvLine(shape.cells(r))).join('');
  const text = rows.map((r) => JSON.stringify(shape.json(r))).join(',');
  return first || text === '' ? text : `,${text}`;
}

const tail = (format: ListingFormat, next: string | null | undefined): string =>
  format !== 'json' ? '' : next === undefined ? ']}' : `],"next":${JSON.stringify(next)}}`;

/**
 * The listing's body. If the rows end within the first two batches, the body is one string
 * (sent with a Content-Length, and any query error is still a proper error response). Otherwise
 * a Readable continues from there, reading the next batch only when the client has taken the
 * last one (backpressure), so at most a few batches are held at a time.
 */
export function listingBody<Row>(
  format: ListingFormat,
  shape: RowShape<Row>,
  meta: ListingMeta<Row>,
  batches: Iterator<Row[], void, undefined>,
): string | Readable {
  let first = true;
  let rowsSent = 0;
  let lastRow: Row | undefined;
  const next = (): string | undefined => {
    const step = batches.next();
    if (step.done === true) return undefined;
    const text = rowsText(format, shape, step.value, first);
    if (step.value.length > 0) first = false;
    rowsSent += step.value.length;
    lastRow = step.value[step.value.length - 1] ?? lastRow;
    return text;
  };
  const { cursorOf } = meta;
  // Known once the rows have been read (the body's end): a full page may have more after it.
  const nextCursor = (): string | null | undefined =>
    cursorOf === undefined
      ? undefined
      : meta.limit > 0 && rowsSent === meta.limit && lastRow !== undefined
        ? cursorOf(lastRow)
        : null;
  // Up to two batches, plus the step that tells whether a third exists (the generator finishes
  // without a query after a short batch, so a listing shorter than two batches is never streamed).
  const opening = [head(format, shape, meta)];
  for (let i = 0; i < 3; i++) {
    const text = next();
    if (text === undefined) return opening.join('') + tail(format, nextCursor());
    opening.push(text);
  }
  let finished = false;
  return new Readable({
    read() {
      if (opening.length > 0) {
        this.push(opening.splice(0).join(''));
        return;
      }
      let text: string | undefined;
      try {
        text = next();
      } catch (err) {
        this.destroy(err as Error);
        return;
      }
      if (text === undefined) {
        finished = true;
        this.push(tail(format, nextCursor()));
        this.push(null);
      } else {
        this.push(text);
      }
    },
    destroy(err, callback) {
      // A client that goes away mid-listing: let the generator clean up (it holds no cursor).
      if (!finished) batches.return?.();
      callback(err);
    },
  });
}
