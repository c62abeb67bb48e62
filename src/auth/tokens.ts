// The tokens file behind private collections: one `token<TAB>ref[,ref…]` per line,
// where a ref is a collection's seqcol digest or human name, or `*` for every private one.
// Blank lines and lines starting with '#' are skipped. readTokensFile() reads and parses it;
// parseTokensFile() is the pure part.
import { readFileSync, statSync } from 'node:fs';
import { ConfigError } from '../config.js';

export interface TokenGrants {
  /** token → the collection refs it grants, or '*' for all private collections */
  readonly grants: ReadonlyMap<string, ReadonlySet<string> | '*'>;
  /** every collection ref named anywhere in the file: these collections are private */
  readonly privateRefs: ReadonlySet<string>;
}

export class TokensFileError extends Error {
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = 'TokensFileError';
  }
}

export function parseTokensFile(text: string, file: string): TokenGrants {
  const grants = new Map<string, Set<string> | '*'>();
  const privateRefs = new Set<string>();
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    const n = i + 1;
    if (line.trim() === '' || line.startsWith('#')) continue;
    const fields = line.split('\t');
    if (fields.length !== 2) {
      throw new TokensFileError(
        file,
        n,
        `expected token<TAB>collection[,collection…] (or *), got ${fields.length} tab-separated field${fields.length === 1 ? '' : 's'}`,
      );
    }
    const token = fields[0]!.trim();
    const refs = fields[1]!.split(',').map((r) => r.trim());
    if (token === '' || /\s/.test(token))
      throw new TokensFileError(file, n, 'the token must be non-empty and contain no whitespace');
    if (!/^[\x21-\x7e]+$/.test(token)) throw new TokensFileError(file, n, 'the token must be printable ASCII');
    if (grants.has(token)) throw new TokensFileError(file, n, 'this token is already defined on an earlier line');
    if (refs.some((r) => r === '')) throw new TokensFileError(file, n, 'empty collection name or digest');
    if (refs.includes('*')) {
      if (refs.length > 1)
        throw new TokensFileError(file, n, "'*' grants every private collection and cannot be combined with names");
      grants.set(token, '*');
      continue;
    }
    grants.set(token, new Set(refs));
    for (const r of refs) privateRefs.add(r);
  }
  return { grants, privateRefs };
}

/**
 * Reads and parses a tokens file; an unreadable file, one others may read or anyone but its owner
 * (and group readers) may write, or a bad line (file:line) is a ConfigError. Like ssh with a
 * private key: tokens that others can read are not secrets, and a file others can write lets
 * them grant themselves anything.
 */
export function readTokensFile(file: string): TokenGrants {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (err) {
    throw new ConfigError(`cannot read tokens file ${file}: ${(err as Error).message}`);
  }
  if ((mode & 0o027) !== 0) {
    throw new ConfigError(
      `tokens file ${file} has mode ${(mode & 0o777).toString(8).padStart(3, '0')}: ` +
        `${(mode & 0o007) !== 0 ? 'other users may read or write it' : 'its group may write it'}; ` +
        `run 'chmod 600 ${file}' (or 640 to let its group read it)`,
    );
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read tokens file ${file}: ${(err as Error).message}`);
  }
  try {
    return parseTokensFile(text, file);
  } catch (err) {
    if (err instanceof TokensFileError) throw new ConfigError(`tokens file ${err.message}`);
    throw err;
  }
}
