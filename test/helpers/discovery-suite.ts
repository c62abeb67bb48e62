// The shared part of the discovery API suite (test/http/discovery/*.test.ts, one file per
// endpoint): /naming-authorities, /aliases, /collections, /collections/:ref/sequences in JSON,
// TSV and CSV, the batch metadata endpoint, and a FASTA range. Expected digests and lengths are
// computed here from the FASTA text with node:crypto (md5, sha512t24u) or read from the
// compliance fixtures, never from the code under test.
import t from 'tap';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { runIngest } from '../../src/cli/ingest-command.js';
import { buildTestApp, sampleStore, SAMPLE, FIXTURES, tempDir } from './sample-store.js';
import type { Test } from './refget-expected.js';

export { runIngest, buildTestApp, sampleStore, SAMPLE, FIXTURES, tempDir };
export type { Test };

export type Res = LightMyRequestResponse;

export const JSON_LIST = 'application/json; charset=utf-8';
export const TSV = 'text/tab-separated-values; charset=utf-8';
export const CSV = 'text/csv; charset=utf-8';
export const REFGET_JSON = 'application/vnd.ga4gh.refget.v2.0.0+json; charset=us-ascii';

// ---- independent expectations -------------------------------------------------------------------

export interface Seq {
  name: string;
  seq: string;
  md5: string;
  ga4gh: string;
}

/** Records of a FASTA text, normalised as refget §2.8 says (letters only, upper case). */
export function fastaRecords(text: string): Seq[] {
  return text
    .split('>')
    .slice(1)
    .map((chunk) => {
      const [header = '', ...lines] = chunk.split('\n');
      const seq = lines
        .join('')
        .replace(/[^A-Za-z]/g, '')
        .toUpperCase();
      return {
        name: header.split(/\s/)[0]!,
        seq,
        md5: createHash('md5').update(seq).digest('hex'),
        ga4gh: `SQ.${createHash('sha512').update(seq).digest().subarray(0, 24).toString('base64url')}`,
      };
    });
}

/** TSV as the listing writes it: LF lines, tab fields, \\ \t \n \r escapes. */
export function parseTsv(body: string): string[][] {
  if (!body.endsWith('\n')) throw new Error('TSV must end with a newline');
  return body
    .slice(0, -1)
    .split('\n')
    .map((line) =>
      line
        .split('\t')
        .map((f) =>
          f.replace(
            /\\(.)/g,
            (_m, c: string) => (({ t: '\t', n: '\n', r: '\r', '\\': '\\' }) as Record<string, string>)[c] ?? `\\${c}`,
          ),
        ),
    );
}

/** RFC 4180 CSV (CRLF records, quoted fields with doubled quotes). */
export function parseCsv(body: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && body[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0 || quoted) throw new Error('CSV must end with CRLF');
  return rows;
}

export interface Listing<R> {
  total: number;
  limit: number;
  offset: number;
  results: R[];
  collection?: { digest: string; names: string[] };
}
export interface AliasOut {
  alias: string;
  naming_authority: string;
  md5: string;
  ga4gh: string;
  length: number;
}
export interface AuthorityOut {
  naming_authority: string;
  alias_count: number;
  loaded_at: string;
}
export interface CollectionOut {
  digest: string;
  names: string[];
  sequence_count: number;
  total_length: number;
}
export interface MemberOut {
  name: string;
  length: number;
  md5: string;
  ga4gh: string;
  circular: boolean;
  aliases: { alias: string; naming_authority: string }[];
}

export const get = (app: FastifyInstance, url: string, headers: Record<string, string> = {}): Promise<Res> =>
  app.inject({ method: 'GET', url, headers });

export function listing<R>(t: Test, res: Res, msg: string): Listing<R> {
  t.equal(res.statusCode, 200, `${msg}: 200`);
  t.equal(res.headers['content-type'], JSON_LIST, `${msg}: JSON content type`);
  const body = res.json() as Listing<R>;
  t.equal(res.headers['x-total-count'], String(body.total), `${msg}: X-Total-Count = total`);
  return body;
}

export function assertError(t: Test, res: Res, status: number, code: string, msg: string, message?: RegExp): void {
  t.equal(res.statusCode, status, `${msg}: status ${status}`);
  t.equal(res.headers['content-type'], REFGET_JSON, `${msg}: error content type`);
  const body = res.json() as { error: string; message: string };
  t.equal(body.error, code, `${msg}: code ${code}`);
  t.ok(typeof body.message === 'string' && body.message.length > 0, `${msg}: has a message`);
  if (message) t.match(body.message, message, `${msg}: message`);
}

// ---- fixture: the bundled sample plus one named assembly with several authorities ------------

export const EXTRA_FASTA = '>chrA first\nACGTACGTNN\nacgt\n>chrB\nacgtTTTT\n>chrM mito\nGATTACA\n';
export const EXTRA = fastaRecords(EXTRA_FASTA);
export const byName = (name: string): Seq => EXTRA.find((r) => r.name === name)!;
// name, authority, alias: includes an alias with a comma and quotes (CSV quoting), one with a
// backslash (TSV escaping), and lab:dup naming two sequences (ambiguous).
export const EXTRA_ALIASES: [string, string, string][] = [
  ['chrA', 'refseq', 'NC_000001.11'],
  ['chrA', 'genbank', 'CM000663.2'],
  ['chrB', 'refseq', 'NC_000002.12'],
  ['chrB', 'lab', 'weird,"quoted"_alias'],
  ['chrM', 'lab', 'back\\slash'],
  ['chrA', 'lab', 'dup'],
  ['chrB', 'lab', 'dup'],
];

export const SAMPLE_REFGET = Object.fromEntries(
  ['I', 'VI', 'NC'].map((n) => [n, fastaRecords(readFileSync(join(SAMPLE, `${n}.faa`), 'utf8'))[0]!]),
) as Record<'I' | 'VI' | 'NC', Seq>;
export const INSDC: [Seq, string][] = [
  [SAMPLE_REFGET.I, 'BK006935.2'],
  [SAMPLE_REFGET.VI, 'CP036473.1'],
  [SAMPLE_REFGET.NC, 'NC_001422.1'],
];
export const SEQCOL = JSON.parse(readFileSync(join(FIXTURES, 'seqcol/test_fasta/test_fasta_digests.json'), 'utf8')) as Record<
  string,
  { top_level_digest: string; level2: { lengths: number[] } }
>;

export const dir = tempDir(t);
export const storeDir = await sampleStore(t);
export const sampleLoaded = Date.now();
writeFileSync(join(dir, 'extra.fa'), EXTRA_FASTA);
writeFileSync(join(dir, 'aliases.tsv'), EXTRA_ALIASES.map((r) => r.join('\t')).join('\n'));
export const extraIngest = await runIngest([join(dir, 'extra.fa')], {
  store: storeDir,
  namingAuthority: 'UCSC',
  aliases: join(dir, 'aliases.tsv'),
  circular: ['chrM'],
  collectionName: 'TestAssembly',
});
export const EXTRA_DIGEST = extraIngest.collections[0]!.digest;
export const app = await buildTestApp(t, storeDir);

/** Every alias in the store, in the documented order (authority, alias, then sequence). */
export const ALL_ALIASES: AliasOut[] = [
  ...INSDC.map(([s, alias]) => ({ alias, naming_authority: 'insdc', s })),
  ...EXTRA.map((s) => ({ alias: s.name, naming_authority: 'ucsc', s })),
  ...EXTRA_ALIASES.map(([name, naming_authority, alias]) => ({ alias, naming_authority, s: byName(name) })),
]
  .map(({ alias, naming_authority, s }) => ({ alias, naming_authority, md5: s.md5, ga4gh: s.ga4gh, length: s.seq.length }))
  .sort((a, b) =>
    a.naming_authority < b.naming_authority
      ? -1
      : a.naming_authority > b.naming_authority
        ? 1
        : a.alias < b.alias
          ? -1
          : a.alias > b.alias
            ? 1
            : 0,
  );
// The two lab:dup rows tie on (authority, alias); they are ordered by their sequence's row id,
// which is ingest order (chrA before chrB), as the stable sort above leaves them.
