// Classify an incoming sequence identifier (spec §2.7). Only hex digests are case-folded; the
// ga4gh digest is base64url and case-sensitive. Anything unrecognised is an alias CURIE or junk.
import { GA4GH_PREFIX, trunc512ToSha512t24u } from './digests.js';

export type SequenceId =
  { kind: 'md5'; md5: string } | { kind: 'ga4gh'; digest: string } | { kind: 'alias'; namingAuthority: string; alias: string };

const MD5 = /^[0-9a-fA-F]{32}$/;
const TRUNC512 = /^[0-9a-fA-F]{48}$/;
const SHA512T24U = /^[A-Za-z0-9_-]{32}$/;

/** Returns undefined for an id that cannot name anything (the caller answers 404). */
export function parseSequenceId(raw: string): SequenceId | undefined {
  const colon = raw.indexOf(':');
  if (colon === -1) return parseBare(raw);
  const prefix = raw.slice(0, colon).toLowerCase();
  const rest = raw.slice(colon + 1);
  switch (prefix) {
    case 'md5':
      return MD5.test(rest) ? { kind: 'md5', md5: rest.toLowerCase() } : undefined;
    case 'trunc512': {
      const digest = trunc512ToSha512t24u(rest);
      return digest === undefined ? undefined : { kind: 'ga4gh', digest };
    }
    case 'ga4gh':
      return rest.startsWith(GA4GH_PREFIX) ? parseGa4gh(rest.slice(GA4GH_PREFIX.length)) : undefined;
    default:
      if (prefix === '' || rest === '') return undefined;
      return { kind: 'alias', namingAuthority: prefix, alias: rest };
  }
}

function parseBare(raw: string): SequenceId | undefined {
  if (raw.startsWith(GA4GH_PREFIX)) return parseGa4gh(raw.slice(GA4GH_PREFIX.length));
  if (MD5.test(raw)) return { kind: 'md5', md5: raw.toLowerCase() };
  if (TRUNC512.test(raw)) {
    const digest = trunc512ToSha512t24u(raw);
    return digest === undefined ? undefined : { kind: 'ga4gh', digest };
  }
  return undefined;
}

function parseGa4gh(digest: string): SequenceId | undefined {
  return SHA512T24U.test(digest) ? { kind: 'ga4gh', digest } : undefined;
}
