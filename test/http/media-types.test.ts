// Accept negotiation against spec §2.2 (suite headers, degrade rule) and §2.9 R1/R2/R6/R7/R12.
import t from 'tap';
import { AppError } from '../../src/errors.js';
import {
  CSV_TYPE,
  FASTA_TYPE,
  JSON_TYPE,
  SEQUENCE_TYPE,
  TSV_TYPE,
  contentTypeOf,
  negotiate,
  type Representation,
} from '../../src/http/media-types.js';

// Offer lists as the routes are expected to use them (first = the refget default).
const SEQ: readonly Representation[] = ['sequence', 'fasta'];
const SEQ_ONLY: readonly Representation[] = ['sequence'];
const META: readonly Representation[] = ['json'];
const LIST: readonly Representation[] = ['json', 'tsv', 'csv'];

/** The negotiated representation, or the error code when negotiation throws. */
function outcome(accept: string | undefined, offered: readonly Representation[]): string {
  try {
    return negotiate(accept, offered);
  } catch (err) {
    if (err instanceof AppError) return `error:${err.code}`;
    throw err;
  }
}
const NOT_ACCEPTABLE = 'error:NOT_ACCEPTABLE';

const CHROME =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7';
const FIREFOX = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const SPEC_BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

t.test('content types are the exact strings to send', async (t) => {
  t.equal(SEQUENCE_TYPE, 'text/vnd.ga4gh.refget.v2.0.0+plain; charset=us-ascii');
  t.equal(JSON_TYPE, 'application/vnd.ga4gh.refget.v2.0.0+json; charset=us-ascii');
  t.equal(contentTypeOf('sequence'), 'text/vnd.ga4gh.refget.v2.0.0+plain; charset=us-ascii');
  t.equal(contentTypeOf('json'), 'application/vnd.ga4gh.refget.v2.0.0+json; charset=us-ascii');
  t.equal(contentTypeOf('fasta'), 'text/x-fasta; charset=us-ascii');
  t.equal(contentTypeOf('tsv'), 'text/tab-separated-values; charset=utf-8');
  t.equal(contentTypeOf('csv'), 'text/csv; charset=utf-8');
  t.equal(FASTA_TYPE, contentTypeOf('fasta'));
  t.equal(TSV_TYPE, contentTypeOf('tsv'));
  t.equal(CSV_TYPE, contentTypeOf('csv'));
  // Fastify would append charset=utf-8 to a json type without a charset (spec §2.2 pitfall).
  for (const rep of ['sequence', 'fasta', 'json', 'tsv', 'csv'] as const) {
    t.match(contentTypeOf(rep), /; charset=/, `${rep} carries a charset`);
  }
  t.notMatch(contentTypeOf('json'), /^application\/json/, 'refget JSON is never plain application/json');
});

t.test('missing or empty Accept gives the default (first offered)', async (t) => {
  t.equal(outcome(undefined, SEQ), 'sequence');
  t.equal(outcome('', SEQ), 'sequence');
  t.equal(outcome('   ', SEQ), 'sequence');
  t.equal(outcome(',', SEQ), 'sequence', 'only empty items');
  t.equal(outcome(' , ,', META), 'json');
  t.equal(outcome(undefined, META), 'json');
  t.equal(outcome(undefined, LIST), 'json');
  t.equal(outcome(undefined, ['fasta', 'sequence']), 'fasta', 'default follows offered order');
});

t.test('exactly what the compliance suite sends (spec §2.2 table)', async (t) => {
  t.equal(
    outcome('text/vnd.ga4gh.refget.v1.0.0+plain,text/vnd.ga4gh.refget.v2.0.0+plain', SEQ),
    'sequence',
    'most sequence tests',
  );
  t.equal(outcome('text/vnd.ga4gh.refget.v1.0.0+plain', SEQ), 'sequence', 'Range tests send v1.0.0 only');
  t.equal(outcome('text/vnd.ga4gh.refget.v1.0.0+plain', SEQ_ONLY), 'sequence');
  t.equal(
    outcome('application/vnd.ga4gh.refget.v1.0.0+json,application/vnd.ga4gh.refget.v2.0.0+json', META),
    'json',
    'metadata and service-info',
  );
  t.equal(outcome('*/*', META), 'json', 'python-requests default on the service-info default test');
  t.equal(outcome('embl/some_json', SEQ), NOT_ACCEPTABLE, '406 test on /sequence');
  t.equal(outcome('embl/some_json', SEQ_ONLY), NOT_ACCEPTABLE);
  t.equal(outcome('embl/some_json', META), NOT_ACCEPTABLE, '406 test on /metadata');
});

t.test('degrade rule: every step of the chain is acceptable (spec §2.2)', async (t) => {
  for (const v of ['v1.0.0', 'v1.0.1', 'v2.0.0']) {
    t.equal(outcome(`text/vnd.ga4gh.refget.${v}+plain; charset=us-ascii`, SEQ), 'sequence', `${v} plain + charset`);
    t.equal(outcome(`text/vnd.ga4gh.refget.${v}+plain`, SEQ), 'sequence', `${v} plain`);
    t.equal(outcome(`application/vnd.ga4gh.refget.${v}+json; charset=us-ascii`, META), 'json', `${v} json + charset`);
    t.equal(outcome(`application/vnd.ga4gh.refget.${v}+json`, META), 'json', `${v} json`);
    // Cross-endpoint: a sequence type on a JSON endpoint and vice versa is never acceptable.
    t.equal(outcome(`text/vnd.ga4gh.refget.${v}+plain`, META), NOT_ACCEPTABLE, `${v} plain on JSON endpoint`);
    t.equal(outcome(`application/vnd.ga4gh.refget.${v}+json`, SEQ), NOT_ACCEPTABLE, `${v} json on sequence endpoint`);
  }
  t.equal(outcome('text/plain', SEQ), 'sequence');
  t.equal(outcome('application/json', META), 'json');
  t.equal(outcome('text/vnd.ga4gh.refget.v3.0.0+plain', SEQ), NOT_ACCEPTABLE, 'unknown future version');
});

t.test('R1/R2/R12: JSON endpoints (service-info, metadata)', async (t) => {
  t.equal(outcome(undefined, META), 'json', 'no Accept');
  t.equal(outcome('*/*', META), 'json');
  t.equal(outcome('application/json', META), 'json');
  t.equal(outcome('application/*', META), 'json');
  t.equal(outcome(SPEC_BROWSER, META), 'json', 'browser list with */*');
  t.equal(outcome('text/plain', META), NOT_ACCEPTABLE, 'R2: text/plain on a JSON endpoint');
  t.equal(outcome('text/*', META), NOT_ACCEPTABLE);
  t.equal(outcome('embl/some_json', META), NOT_ACCEPTABLE, 'R2');
  t.equal(outcome('application/xml', META), NOT_ACCEPTABLE);
});

t.test('R6: acceptable Accept headers on /sequence/{id}', async (t) => {
  const accepted = [
    'text/vnd.ga4gh.refget.v1.0.0+plain',
    'text/vnd.ga4gh.refget.v1.0.1+plain',
    'text/vnd.ga4gh.refget.v2.0.0+plain',
    'text/plain',
    'text/*',
    '*/*',
    SPEC_BROWSER,
    CHROME,
    FIREFOX,
    'text/plain;charset=us-ascii',
    'text/plain; charset=us-ascii',
    'text/plain; charset=utf-8', // charset is ignored for matching (spec §2.2 step 2)
    'text/plain;format=flowed;charset=us-ascii',
  ];
  for (const accept of accepted) {
    t.equal(outcome(accept, SEQ), 'sequence', accept);
    t.equal(outcome(accept, SEQ_ONLY), 'sequence', `${accept} (sequence only)`);
  }
});

t.test('R7: unacceptable Accept headers on /sequence/{id}', async (t) => {
  for (const accept of ['embl/some_json', 'application/json', 'application/*', 'text/html', 'image/png']) {
    t.equal(outcome(accept, SEQ), NOT_ACCEPTABLE, accept);
    t.equal(outcome(accept, SEQ_ONLY), NOT_ACCEPTABLE, `${accept} (sequence only)`);
  }
  t.equal(outcome('text/x-fasta', SEQ_ONLY), NOT_ACCEPTABLE, 'FASTA not offered');
});

t.test('the error is a NOT_ACCEPTABLE AppError', async (t) => {
  try {
    negotiate('embl/some_json', SEQ);
    t.fail('should throw');
  } catch (err) {
    t.ok(err instanceof AppError);
    t.equal((err as AppError).code, 'NOT_ACCEPTABLE');
  }
  t.throws(() => negotiate(undefined, []), TypeError, 'an empty offer is a programming error');
});

t.test('extra formats are selected only when named explicitly', async (t) => {
  t.equal(outcome('text/x-fasta', SEQ), 'fasta');
  t.equal(outcome('text/x-fasta; charset=us-ascii', SEQ), 'fasta');
  t.equal(outcome('text/csv', LIST), 'csv');
  t.equal(outcome('text/tab-separated-values', LIST), 'tsv');
  t.equal(outcome('application/json', LIST), 'json');
  t.equal(outcome('*/*', LIST), 'json');
  // Wildcards stay with the refget default, never an extra format.
  t.equal(outcome('text/*', SEQ), 'sequence');
  t.equal(outcome('*/*', ['fasta', 'sequence']), 'sequence', 'even when the extra format is offered first');
  t.equal(outcome('text/*', ['fasta', 'sequence']), 'sequence');
  t.equal(outcome('*/*', ['fasta']), NOT_ACCEPTABLE);
  t.equal(outcome('text/*', LIST), NOT_ACCEPTABLE, 'json is not text; csv/tsv need explicit naming');
  t.equal(outcome('text/plain', LIST), NOT_ACCEPTABLE);
});

t.test('q-values decide first', async (t) => {
  t.equal(outcome('text/x-fasta;q=0.5, text/plain', SEQ), 'sequence');
  t.equal(outcome('text/x-fasta, text/plain;q=0.5', SEQ), 'fasta');
  t.equal(outcome('text/plain;q=0.4, text/x-fasta;q=0.41', SEQ), 'fasta');
  t.equal(outcome('*/*;q=0.9, text/x-fasta;q=0.5', SEQ), 'sequence', 'a higher-q wildcard beats a lower-q exact type');
  t.equal(outcome('text/csv;q=0.2, text/tab-separated-values;q=0.3, application/json;q=0.1', LIST), 'tsv');
  t.equal(outcome('text/plain;q=1.0', SEQ), 'sequence');
  t.equal(outcome('text/plain;q=1.000', SEQ), 'sequence');
  t.equal(outcome('text/plain;q=0.001', SEQ), 'sequence', 'any positive q is acceptable');
  t.equal(outcome('text/plain;Q=0.5, text/x-fasta;q=0.6', SEQ), 'fasta', 'parameter names are case-insensitive');
  t.equal(outcome('text/plain ; q=0.5 , text/x-fasta ; q=0.6', SEQ), 'fasta', 'whitespace around ; and =');
});

t.test('ties: more specific match, then offered order', async (t) => {
  t.equal(outcome('*/*, text/x-fasta', SEQ), 'fasta', 'exact beats */* at equal q');
  t.equal(outcome('text/*, text/x-fasta', SEQ), 'fasta', 'exact beats type/* at equal q');
  t.equal(outcome('text/plain, text/x-fasta', SEQ), 'sequence', 'both exact: offered order');
  t.equal(outcome('text/x-fasta, text/plain', SEQ), 'sequence', 'Accept order does not matter');
  t.equal(outcome('text/x-fasta, text/plain', ['fasta', 'sequence']), 'fasta', 'offered order decides');
  t.equal(outcome('text/plain;q=0.5, text/x-fasta;q=0.5', SEQ), 'sequence');
  t.equal(outcome('text/csv, text/tab-separated-values', LIST), 'tsv', 'offered order: tsv before csv');
  t.equal(outcome('*/*, text/csv', LIST), 'csv', 'exact csv beats json via */*');
  t.equal(outcome('application/*, text/csv', LIST), 'csv', 'exact csv beats json via application/*');
  t.equal(outcome('application/json, text/csv', LIST), 'json', 'both exact: offered order');
});

t.test('q=0 refuses; a more specific range overrides a wildcard (RFC 9110 §12.5.1)', async (t) => {
  t.equal(outcome('text/plain;q=0', SEQ), NOT_ACCEPTABLE);
  t.equal(outcome('text/plain;q=0.0', SEQ), NOT_ACCEPTABLE);
  t.equal(outcome('*/*;q=0', META), NOT_ACCEPTABLE);
  t.equal(outcome('text/x-fasta;q=0', SEQ), NOT_ACCEPTABLE, 'the only item is refused');
  t.equal(outcome('text/plain;q=0, text/x-fasta', SEQ), 'fasta');
  t.equal(outcome('text/x-fasta;q=0, */*', SEQ), 'sequence');
  t.equal(outcome('text/plain;q=0, */*', SEQ_ONLY), NOT_ACCEPTABLE, 'explicit refusal is not undone by */*');
  t.equal(outcome('text/*;q=0, */*', SEQ_ONLY), NOT_ACCEPTABLE, 'text/* refusal is more specific than */*');
  t.equal(outcome('application/json;q=0, */*', META), NOT_ACCEPTABLE);
  t.equal(
    outcome('text/plain;q=0, text/vnd.ga4gh.refget.v2.0.0+plain', SEQ),
    'sequence',
    'another exact name of the same format still admits it',
  );
  t.equal(outcome('text/plain;q=0.1, text/x-fasta;q=0.5, */*', SEQ), 'fasta', 'text/plain q=0.1 is not lifted to 1 by */*');
  t.equal(outcome('*/*;q=0.1, text/*', SEQ), 'sequence', 'text/* q=1 beats */* q=0.1');
});

t.test('type and subtype are case-insensitive', async (t) => {
  t.equal(outcome('TEXT/PLAIN', SEQ), 'sequence');
  t.equal(outcome('Text/VND.GA4GH.Refget.V1.0.0+Plain', SEQ), 'sequence');
  t.equal(outcome('Text/X-FASTA', SEQ), 'fasta');
  t.equal(outcome('APPLICATION/JSON', META), 'json');
  t.equal(outcome('TEXT/CSV', LIST), 'csv');
});

t.test('malformed items are ignored, not guessed at', async (t) => {
  const malformed = [
    'text',
    'text/',
    '/plain',
    '*/plain',
    'text/plain/extra',
    'text/pl ain',
    'text/plain;q=abc',
    'text/plain;q=2',
    'text/plain;q=1.5',
    'text/plain;q=-1',
    'text/plain;q=',
    'text/plain;q',
    'text/plain;q="0.5"',
  ];
  for (const item of malformed) {
    t.equal(outcome(item, SEQ), NOT_ACCEPTABLE, `${item} alone → 406`);
    t.equal(outcome(`${item}, text/x-fasta;q=0.1`, SEQ), 'fasta', `${item} ignored beside a valid item`);
  }
  t.equal(outcome('garbage, */*', SEQ), 'sequence');
});

t.test('quoted parameter values may contain , and ;', async (t) => {
  t.equal(outcome('text/plain;foo="a,b;c", text/x-fasta;q=0.5', SEQ), 'sequence');
  t.equal(outcome('text/x-fasta;foo="a,text/plain";q=0.9, application/json', SEQ), 'fasta', 'no fake text/plain item');
  t.equal(outcome('text/x-fasta;foo="a\\"b,c", text/plain;q=0.5', SEQ), 'fasta', 'escaped quote inside quotes');
  t.equal(outcome('text/plain;foo', SEQ), 'sequence', 'a valueless non-q parameter is ignored');
});

t.test('empty items between commas are skipped', async (t) => {
  t.equal(outcome(',text/plain,,', SEQ), 'sequence');
  t.equal(outcome(', ,embl/some_json,', SEQ), NOT_ACCEPTABLE);
});
