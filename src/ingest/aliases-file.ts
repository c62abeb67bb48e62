// Alias files for `refget ingest --aliases`: our TSV (name, naming_authority, alias) or an NCBI
// *_assembly_report.txt, recognised by its "# Sequence-Name" header line.
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

const REPORT_COLUMNS = { 'GenBank-Accn': 'insdc', 'RefSeq-Accn': 'refseq', 'UCSC-style-name': 'ucsc' } as const;

export function readAliasesFile(path: string): AliasEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new AppError('INPUT_ERROR', `${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const lines = text.split(/\r?\n/);
  const headerLine = lines.findIndex((l) => /^#\s*Sequence-Name\t/.test(l));
  return headerLine >= 0 ? parseAssemblyReport(path, lines, headerLine) : parseTsv(path, lines);
}

function parseTsv(path: string, lines: string[]): AliasEntry[] {
  const entries: AliasEntry[] = [];
  lines.forEach((text, i) => {
    if (text.trim() === '' || text.startsWith('#')) return;
    const fields = text.split('\t');
    const [name, authority, alias] = fields.map((f) => f.trim());
    if (fields.length !== 3 || !name || !authority || !alias) {
      throw new AppError('ALIASES_FORMAT', `${path}:${i + 1}: expected 3 tab-separated fields: name, naming_authority, alias`);
    }
    if (!/^[A-Za-z0-9._-]+$/.test(authority)) {
      throw new AppError('ALIASES_FORMAT', `${path}:${i + 1}: naming authority '${authority}' may use only letters, digits, '.', '_' and '-'`);
    }
    entries.push({ name, altNames: [], namingAuthority: authority.toLowerCase(), alias, line: i + 1 });
  });
  return entries;
}

function parseAssemblyReport(path: string, lines: string[], headerLine: number): AliasEntry[] {
  const header = lines[headerLine]!.replace(/^#\s*/, '').split('\t').map((h) => h.trim());
  const col = (name: string): number => header.indexOf(name);
  const nameCol = col('Sequence-Name');
  const entries: AliasEntry[] = [];
  for (let i = headerLine + 1; i < lines.length; i++) {
    const text = lines[i]!;
    if (text.trim() === '' || text.startsWith('#')) continue;
    const fields = text.split('\t').map((f) => f.trim());
    const value = (c: number): string | undefined => {
      const v = c >= 0 ? fields[c] : undefined;
      return v === undefined || v === '' || v === 'na' ? undefined : v;
    };
    const name = value(nameCol);
    if (name === undefined) throw new AppError('ALIASES_FORMAT', `${path}:${i + 1}: no Sequence-Name`);
    const known = Object.keys(REPORT_COLUMNS).map((c) => value(col(c))).filter((v): v is string => v !== undefined);
    for (const [column, authority] of Object.entries(REPORT_COLUMNS)) {
      const alias = value(col(column));
      // A FASTA from NCBI names records by accession and one from UCSC by chrN: match any of them.
      if (alias !== undefined) entries.push({ name, altNames: known, namingAuthority: authority, alias, line: i + 1 });
    }
  }
  return entries;
}
