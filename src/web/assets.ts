// The browser pages' files (web/ at the package root), read once when the server starts: a
// handful of small text files, served from memory with an ETag.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';

export interface WebAsset {
  readonly body: string;
  readonly contentType: string;
  readonly etag: string;
}

const WEB_DIR = new URL('../../web/', import.meta.url);
const FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

export function loadWebAssets(): ReadonlyMap<string, WebAsset> {
  return new Map(
    Object.entries(FILES).map(([name, contentType]) => {
      const body = readFileSync(new URL(name, WEB_DIR), 'utf8');
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
      return [name, { body, contentType, etag }];
    }),
  );
}
