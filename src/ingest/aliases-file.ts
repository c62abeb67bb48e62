// Alias files for `refget ingest --aliases`: our TSV (name, naming_authority, alias) or an NCBI
// *_assembly_report.txt, recognised by its "# Sequence-Name" header line.
//
// Every value that becomes an alias, an authority or a name to look up obeys the rules of FASTA
// record names: printable ASCII (0x21-0x7e, so no spaces, control characters or other encodings;
// the file is read as bytes, not decoded), and a length limit. Aliases end up in URLs, FASTA
// headers and TSV listings, where anything else would be mangled or would inject. Authorities
// are letters, digits, '.', '_' and '-', and the names of identifier forms (md5, ga4gh, trunc512,
// sq) are reserved: `md5:…` in a URL is always a digest. An error names file and line and the
// offending position, and never echoes raw bytes.
import { readFileSync } from 'node:fs';
import { AppError } from '../errors.js';

export interface AliasEntry {
  /** a record name of this run, or an md5 / ga4gh id of a stored sequence */
  readonly name: string;
  /** further names the same row knows the sequence by (assembly reports), tried if `name` is unknown */
  readonly altNames: readonly string[];
  readonly namingAuthority: string;
  readonly alias: string;
  readonly line: number;
}

/** Longest alias or name, in bytes (INSDC and RefSeq accessions are under 20). */
export const MAX_ALIAS_BYTES = 255;
export const MAX_AUTHORITY_BYTES = 64;
/** Authorities that name identifier forms: an alias under them could never be looked up. */
export const RESERVED_AUTHORITIES = new Set(['md5', 'ga4gh', 'trunc512', 'sq', 'sha512t24u']);

const REPORT_COLUMNS = { 'GenBank-Accn': 'insdc', 'RefSeq-Accn': 'refseq', 'UCSC-style-name': 'ucsc' } as const;
const TAB = 0x09;

export function readAliasesFile(path: string): AliasEntry[] {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AppError(
      'INPUT_ERROR',
      `${path}: ${code === 'ENOENT' || code === 'ENOTDIR' ? 'no such file' : (err as Error).message}`,
    );
  }
  const lines = splitLines(path, data);
  const headerLine = lines.findIndex((l) => /^#\s*Sequence-Name\t/.test(l.text));
  return headerLine >= 0 ? parseAssemblyReport(path, lines, headerLine) : parseTsv(path, lines);
}

interface Line {
  no: number;
  text: string;
  bytes: Buffer;
}

/** Lines split at LF (one CR before it dropped), each checked to hold only TAB and printable ASCII. */
function splitLines(path: string, data: Buffer): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (let no = 1; start < data.length || (start === data.length && lines.length === 0); no++) {
    let end = data.indexOf(0x0a, start);
    if (end < 0) end = data.length;
    let stop = end;
    if (stop > start && data[stop - 1] === 0x0d) stop--;
    const bytes = data.subarray(start, stop);
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (b !== TAB && (b < 0x20 || b > 0x7e)) {
        throw new AppError(
          'ALIASES_FORMAT',
          `${path}:${no}: byte 0x${b.toString(16).padStart(2, '0')} at column ${i + 1}: ` +
            'alias files are printable ASCII with tab-separated fields',
        );
      }
    }
    lines.push({ no, text: bytes.toString('latin1'), bytes });
    start = end + 1;
    if (end === data.length) break;
  }
  return lines;
}

/** Why `value` cannot be an alias or name (undefined when it can). Only safe text is quoted. */
function valueProblem(value: string, what: string, max: number): string | undefined {
  if (value.length > max) return `${what} is ${value.length} characters long; the limit is ${max}`;
  const space = value.search(/[ \t]/);
  if (space >= 0) return `${what} contains a space at position ${space + 1}`;
  return undefined;
}

/** Why `authority` cannot be a naming authority (undefined when it can); used for --naming-authority too. */
export function authorityProblem(authority: string): string | undefined {
  if (authority.length > MAX_AUTHORITY_BYTES || !/^[A-Za-z0-9._-]+$/.test(authority)) {
    return `a naming authority may use only letters, digits, '.', '_' and '-' (at most ${MAX_AUTHORITY_BYTES})`;
  }
  if (RESERVED_AUTHORITIES.has(authority.toLowerCase())) {
    return `'${authority.toLowerCase()}' is reserved: ${authority.toLowerCase()}:... is an identifier form, not an alias`;
  }
  return undefined;
}

function parseTsv(path: string, lines: Line[]): AliasEntry[] {
  const entries: AliasEntry[] = [];
  for (const { no, text } of lines) {
    if (text.trim() === '' || text.startsWith('#')) continue;
    const fields = text.split('\t');
    const [name, authority, alias] = fields.map((f) => f.trim());
    if (fields.length !== 3 || !name || !authority || !alias) {
      throw new AppError('ALIASES_FORMAT', `${path}:${no}: expected 3 tab-separated fields: name, naming_authority, alias`);
    }
    const problem =
      valueProblem(name, 'the name', MAX_ALIAS_BYTES) ??
      authorityProblem(authority) ??
      valueProblem(alias, 'the alias', MAX_ALIAS_BYTES);
    if (problem !== undefined) throw new AppError('ALIASES_FORMAT', `${path}:${no}: ${problem}`);
    entries.push({ name, altNames: [], namingAuthority: authority.toLowerCase(), alias, line: no });
  }
  return entries;
}

function parseAssemblyReport(path: string, lines: Line[], headerLine: number): AliasEntry[] {
  const header = lines[headerLine]!.text.replace(/^#\s*/, '')
    .split('\t')
    .map((h) => h.trim());
  const col = (name: string): number => header.indexOf(name);
  const nameCol = col('Sequence-Name');
  const entries: AliasEntry[] = [];
  for (let i = headerLine + 1; i < lines.length; i++) {
    const { no, text } = lines[i]!;
    if (text.trim() === '' || text.startsWith('#')) continue;
    const fields = text.split('\t').map((f) => f.trim());
    const value = (c: number, what: string): string | undefined => {
      const v = c >= 0 ? fields[c] : undefined;
      if (v === undefined || v === '' || v === 'na') return undefined;
      const problem = valueProblem(v, what, MAX_ALIAS_BYTES);
      if (problem !== undefined) throw new AppError('ALIASES_FORMAT', `${path}:${no}: ${problem}`);
      return v;
    };
    const name = value(nameCol, 'the Sequence-Name');
    if (name === undefined) throw new AppError('ALIASES_FORMAT', `${path}:${no}: no Sequence-Name`);
    const known = Object.keys(REPORT_COLUMNS)
      .map((c) => value(col(c), `the ${c}`))
      .filter((v): v is string => v !== undefined);
    for (const [column, authority] of Object.entries(REPORT_COLUMNS)) {
      const alias = value(col(column), `the ${column}`);
      // A FASTA from NCBI names records by accession and one from UCSC by chrN: match any of them.
      if (alias !== undefined) entries.push({ name, altNames: known, namingAuthority: authority, alias, line: no });
    }
  }
  return entries;
}
