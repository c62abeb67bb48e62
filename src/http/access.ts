// Private collections (issue 7). With a tokens file configured, every request carries a Viewer:
// the private collections it may not see. Without one, `request.viewer` stays null and no check
// below costs a query. A sequence is hidden only if it belongs to collections and all of them are
// hidden; a hidden record answers 401 without a token and 404 (like an unknown id) with one.
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { readTokensFile } from '../auth/tokens.js';
import { ConfigError } from '../config.js';
import { AppError } from '../errors.js';
import type { SequenceStore } from '../store/sequence-store.js';
import type { SequenceRecord } from '../store/types.js';

export interface Viewer {
  /** no (valid) token: a hidden record is 401, not 404 */
  readonly anonymous: boolean;
  /** ids of the private collections this caller may not see */
  readonly hidden: ReadonlySet<number>;
  /** the same ids as a JSON array, for SQL filters (json_each); undefined when none are hidden */
  readonly hiddenJson: string | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer | null;
  }
}

const viewerOf = (hidden: ReadonlySet<number>, anonymous: boolean): Viewer =>
  ({ anonymous, hidden, hiddenJson: hidden.size === 0 ? undefined : JSON.stringify([...hidden].sort((a, b) => a - b)) });

/**
 * Reads and checks the tokens file and resolves its collections against the store: a
 * malformed line (file:line) or an unknown collection is a ConfigError, so `serve` stops at start.
 * Returns the viewer of each token, and of callers without one.
 */
export function loadTokens(store: SequenceStore, file: string): { anonymous: Viewer; tokens: Map<string, Viewer> } {
  const parsed = readTokensFile(file);
  const idOf = new Map<string, number>();
  const unknown: string[] = [];
  for (const ref of parsed.privateRefs) {
    const id = store.collectionIdByRef(ref);
    if (id === undefined) unknown.push(ref);
    else idOf.set(ref, id);
  }
  if (unknown.length > 0) throw new ConfigError(`tokens file ${file}: no stored collection with digest or name ${unknown.map((r) => `'${r}'`).join(', ')}`);
  const privateIds = new Set(idOf.values());
  const tokens = new Map<string, Viewer>();
  for (const [token, grant] of parsed.grants) {
    const granted = grant === '*' ? privateIds : new Set([...grant].map((r) => idOf.get(r)!));
    tokens.set(token, viewerOf(new Set([...privateIds].filter((id) => !granted.has(id))), false));
  }
  return { anonymous: viewerOf(privateIds, true), tokens };
}

/** Sets `request.viewer` from `Authorization: Bearer <token>`; an unknown token is 401 everywhere. */
export const accessPlugin = fp<{ store: SequenceStore; tokensFile: string | undefined }>(async (app, opts) => {
  app.decorateRequest('viewer', null);
  if (opts.tokensFile === undefined) return;
  const { anonymous, tokens } = loadTokens(opts.store, opts.tokensFile);
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    if (header === undefined) {
      request.viewer = anonymous;
      return;
    }
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    const viewer = match === null ? undefined : tokens.get(match[1]!);
    if (viewer === undefined) throw new AppError('UNAUTHORIZED', 'missing, malformed or unknown bearer token');
    request.viewer = viewer;
  });
}, { name: 'refget-access' });

/** May this caller see the sequence? (It may unless every collection holding it is hidden.) */
export function sequenceVisible(store: SequenceStore, viewer: Viewer | null, record: SequenceRecord): boolean {
  if (viewer === null || viewer.hidden.size === 0) return true;
  const ids = store.collectionIdsOf(record);
  return ids.length === 0 || ids.some((id) => !viewer.hidden.has(id));
}

export const collectionVisible = (viewer: Viewer | null, collectionId: number): boolean =>
  viewer === null || !viewer.hidden.has(collectionId);

/** The error for a hidden record: 401 without a token, else `notFound` exactly as for an unknown id. */
export function hiddenError(viewer: Viewer, notFound: AppError): AppError {
  return viewer.anonymous ? new AppError('UNAUTHORIZED', 'this resource needs an Authorization: Bearer token') : notFound;
}

/** The hidden collection ids as JSON for SQL filters, or undefined when the caller sees everything. */
export const hiddenCollections = (request: FastifyRequest): string | undefined => request.viewer?.hiddenJson;
