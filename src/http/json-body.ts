// Request bodies in JSON (POST /comparison, POST /sequence/metadata). Fastify's parser is
// JSON.parse, which recurses: 400,000 nested arrays overflow the stack and answered 500. Every
// body this API takes is at most a few levels deep, so depth is checked (a linear scan, no
// recursion) before parsing, and a deeper body is a 400.
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';

export const MAX_JSON_DEPTH = 32;

/** Depth of the deepest array or object in `text` (strings skipped); stops counting past `limit`. */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return max;
}

export function jsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (jsonDepth(text) > MAX_JSON_DEPTH) {
      done(new AppError('BAD_REQUEST', `the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`), undefined);
      return;
    }
    try {
      done(null, text.length === 0 ? undefined : JSON.parse(text));
    } catch {
      done(new AppError('BAD_REQUEST', 'the body is not valid JSON'), undefined);
    }
  });
}
