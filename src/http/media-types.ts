// Accept negotiation and response Content-Types for refget endpoints (spec §2.2): pure, no Fastify.
import { AppError } from '../errors.js';

/** Fully specified sequence type; spec §2.2 says a server MUST answer with it, charset included. */
export const SEQUENCE_TYPE = 'text/vnd.ga4gh.refget.v2.0.0+plain; charset=us-ascii';
/**
 * Fully specified JSON type. The charset is set explicitly because Fastify appends
 * `; charset=utf-8` to any `json` type without one (spec §2.2 "Fastify pitfall").
 * Plain `application/json; charset=utf-8` is deliberately never sent by refget endpoints.
 */
export const JSON_TYPE = 'application/vnd.ga4gh.refget.v2.0.0+json; charset=us-ascii';
export const FASTA_TYPE = 'text/x-fasta; charset=us-ascii';
export const TSV_TYPE = 'text/tab-separated-values; charset=utf-8';
export const CSV_TYPE = 'text/csv; charset=utf-8';
/** The browser pages' shell. */
export const HTML_TYPE = 'text/html; charset=utf-8';

export type Representation = 'sequence' | 'fasta' | 'json' | 'tsv' | 'csv' | 'html';

/** How precisely one Accept media range named a representation; higher wins ties on q. */
const Specificity = {
  Any: 1, // */*
  Subtype: 2, // type/*
  Exact: 3, // type/subtype
} as const;
type Specificity = (typeof Specificity)[keyof typeof Specificity];

interface MatchRule {
  /** Every concrete type that names this representation (the spec's "degrade" chain included). */
  readonly exact: readonly string[];
  /** Top-level type whose `type/*` range covers this representation, if any. */
  readonly wildcardType: string | undefined;
  /** Whether `*\/*` selects it. */
  readonly anyType: boolean;
}

// Only the two standard refget formats are reachable through wildcards. The extra formats
// (FASTA, TSV, CSV) are served only when named explicitly, so a client sending `*/*` or `text/*`
// always gets the refget default rather than a format it may not parse.
const RULES: Readonly<Record<Representation, MatchRule>> = {
  sequence: {
    // v1.0.0 is listed because the compliance suite sends it (alone) on its Range tests.
    exact: [
      'text/vnd.ga4gh.refget.v1.0.0+plain',
      'text/vnd.ga4gh.refget.v1.0.1+plain',
      'text/vnd.ga4gh.refget.v2.0.0+plain',
      'text/plain',
    ],
    wildcardType: 'text',
    anyType: true,
  },
  json: {
    exact: [
      'application/vnd.ga4gh.refget.v1.0.0+json',
      'application/vnd.ga4gh.refget.v1.0.1+json',
      'application/vnd.ga4gh.refget.v2.0.0+json',
      'application/json',
    ],
    wildcardType: 'application',
    anyType: true,
  },
  fasta: { exact: ['text/x-fasta'], wildcardType: undefined, anyType: false },
  tsv: { exact: ['text/tab-separated-values'], wildcardType: undefined, anyType: false },
  csv: { exact: ['text/csv'], wildcardType: undefined, anyType: false },
  html: { exact: ['text/html', 'application/xhtml+xml'], wildcardType: undefined, anyType: false },
};

const CONTENT_TYPES: Readonly<Record<Representation, string>> = {
  sequence: SEQUENCE_TYPE,
  fasta: FASTA_TYPE,
  json: JSON_TYPE,
  tsv: TSV_TYPE,
  csv: CSV_TYPE,
  html: HTML_TYPE,
};

/** The exact Content-Type header value to send for a representation. */
export function contentTypeOf(rep: Representation): string {
  return CONTENT_TYPES[rep];
}

interface MediaRange {
  readonly type: string; // lower-cased, may be '*'
  readonly subtype: string; // lower-cased, may be '*'
  readonly q: number;
}

// RFC 9110 token characters; anything else in a type/subtype makes the item malformed.
const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
// RFC 9110 §12.4.2 qvalue, relaxed to any number of decimals (the value must still be 0..1).
const QVALUE = /^(?:0(?:\.[0-9]*)?|1(?:\.0*)?|\.[0-9]+)$/;

/**
 * Splits on `sep` outside double-quoted strings, so a quoted parameter value containing a comma
 * or semicolon (legal in RFC 9110) does not cut an item in half.
 */
function splitOutsideQuotes(input: string, sep: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < input.length; i++) {
    const ch = input.charAt(i);
    if (quoted && ch === '\\' && i + 1 < input.length) {
      current += ch + input.charAt(i + 1);
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === sep && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

/** Parses one media range; undefined means malformed, and the caller ignores the item. */
function parseMediaRange(item: string): MediaRange | undefined {
  const [head = '', ...params] = splitOutsideQuotes(item, ';');
  const slash = head.indexOf('/');
  if (slash === -1) return undefined;
  const type = head.slice(0, slash).trim().toLowerCase();
  const subtype = head
    .slice(slash + 1)
    .trim()
    .toLowerCase();
  if (!TOKEN.test(type) || !TOKEN.test(subtype)) return undefined;
  // `*/plain` names nothing under RFC 9110's grammar.
  if (type === '*' && subtype !== '*') return undefined;

  let q = 1;
  for (const raw of params) {
    const param = raw.trim();
    if (param === '') continue;
    const eq = param.indexOf('=');
    const name = (eq === -1 ? param : param.slice(0, eq)).trim().toLowerCase();
    // charset and every other parameter are ignored for matching (spec §2.2 step 2).
    if (name !== 'q') continue;
    const value = eq === -1 ? '' : param.slice(eq + 1).trim();
    // A malformed weight makes the client's intent unknowable, so the whole item is dropped
    // rather than guessed at (q=1 could select a format the client meant to rank low).
    if (!QVALUE.test(value)) return undefined;
    q = Number(value);
  }
  return { type, subtype, q };
}

function parseAccept(accept: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const item of splitOutsideQuotes(accept, ',')) {
    if (item.trim() === '') continue;
    const range = parseMediaRange(item);
    if (range !== undefined) ranges.push(range);
  }
  return ranges;
}

function specificityOf(range: MediaRange, rule: MatchRule): Specificity | undefined {
  if (range.type === '*') return rule.anyType ? Specificity.Any : undefined;
  if (range.subtype === '*') {
    return rule.wildcardType === range.type ? Specificity.Subtype : undefined;
  }
  return rule.exact.includes(`${range.type}/${range.subtype}`) ? Specificity.Exact : undefined;
}

/**
 * Effective weight of one representation. Per RFC 9110 §12.5.1 the most specific matching range
 * decides, so `text/plain;q=0, *\/*` refuses the sequence format instead of letting the wildcard
 * re-admit it; among equally specific ranges (e.g. two refget versions) the best q counts.
 */
function weigh(ranges: readonly MediaRange[], rule: MatchRule): { q: number; specificity: number } {
  let best = { q: 0, specificity: 0 };
  for (const range of ranges) {
    const specificity = specificityOf(range, rule);
    if (specificity === undefined) continue;
    if (specificity > best.specificity || (specificity === best.specificity && range.q > best.q)) {
      best = { q: range.q, specificity };
    }
  }
  return best;
}

/**
 * Picks the representation to send. `offered` is in the server's order of preference and its
 * first entry is the default for a missing or empty Accept header. Throws NOT_ACCEPTABLE (406)
 * when no offered representation is acceptable.
 */
export function negotiate(accept: string | undefined, offered: readonly Representation[]): Representation {
  const fallback = offered[0];
  if (fallback === undefined) throw new TypeError('negotiate: offered must not be empty');

  // A header made only of blanks and commas carries no preference at all: treat it as absent.
  if (accept === undefined || accept.split(',').every((item) => item.trim() === '')) return fallback;

  const ranges = parseAccept(accept);
  let chosen: Representation | undefined;
  let chosenWeight = { q: 0, specificity: 0 };
  for (const rep of offered) {
    const weight = weigh(ranges, RULES[rep]);
    if (weight.q <= 0) continue;
    // Strict comparisons keep the earlier offered representation on a full tie.
    if (weight.q > chosenWeight.q || (weight.q === chosenWeight.q && weight.specificity > chosenWeight.specificity)) {
      chosen = rep;
      chosenWeight = weight;
    }
  }
  if (chosen === undefined) {
    throw new AppError('NOT_ACCEPTABLE', 'None of the available formats matches the Accept header', {
      available: offered.map(contentTypeOf),
    });
  }
  return chosen;
}
