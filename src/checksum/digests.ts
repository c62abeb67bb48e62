// Refget digests (spec §2.8): md5 hex, sha512t24u (base64url of the first 24 bytes of SHA-512),
// trunc512 (hex of the same 24 bytes). Pure functions over already-normalised bytes.
import { hash } from 'node:crypto';

export const GA4GH_PREFIX = 'SQ.';

export function md5Hex(data: string | Uint8Array): string {
  return hash('md5', data, 'hex');
}

/** sha512t24u: base64url(sha512(data)[0:24]); 32 characters, no padding, no prefix. */
export function sha512t24u(data: string | Uint8Array): string {
  // 24 bytes are exactly 32 base64url characters, so the prefix of the full encoding is the same.
  return hash('sha512', data, 'base64url').slice(0, 32);
}

/** trunc512 hex (48 lower-case chars) → sha512t24u, or undefined if not 48 hex digits. */
export function trunc512ToSha512t24u(hex: string): string | undefined {
  if (!/^[0-9a-fA-F]{48}$/.test(hex)) return undefined;
  return Buffer.from(hex, 'hex').toString('base64url');
}

/** sha512t24u → trunc512 hex (48 lower-case chars). */
export function sha512t24uToTrunc512(digest: string): string {
  return Buffer.from(digest, 'base64url').toString('hex');
}

/** Spec §2.8 normalisation for small in-memory strings (tests, CLI): drop non-letters, upper-case. */
export function normaliseSequence(text: string): string {
  return text.replace(/[^A-Za-z]/g, '').toUpperCase();
}
