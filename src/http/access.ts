// Private collections. With a tokens file configured, every request carries a Viewer: the private
// collections it may not see. Without one, `request.viewer` stays null and no check below costs a
// query. A sequence is hidden only if it belongs to collections and all of them are hidden; an
// alias is hidden unless one of the collections whose ingest added it is visible. What is hidden
// is indistinguishable from what does not exist: the same 404 and body as an unknown id, with or
// without a token (only a token that is not in the file at all gets 401, on every path alike).
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { readTokensFile } from '../auth/tokens.js';
import { ConfigError } from '../config.js';
import { AppError } from '../errors.js';
import type { SequenceStore } from '../store/sequence-store.js';
import type { Alias, SequenceRecord } from '../store/types.js';
import type { CollectionRow } from '../store/collection-index.js';

export interface Viewer {
  /** no token: responses may go to shared caches */
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
  interface FastifyInstance {
    /** What a caller without a token sees (null: no tokens file, everything is public). */
    publicViewer: Viewer | null;
  }
}

/** Options of the access plugin (and of loadTokens). */
export interface AccessOptions {
  tokensFile: string | undefined;
  /** accept a tokens file that makes no collection private (everything is then public) */
  allowAllPublic?: boolean | undefined;
}

const viewerOf = (hidden: ReadonlySet<number>, anonymous: boolean): Viewer => ({
  anonymous,
  hidden,
  hiddenJson: hidden.size === 0 ? undefined : JSON.stringify([...hidden].sort((a, b) => a - b)),
});

/**
 * Reads and checks the tokens file and resolves its collections against the store: a
 * malformed line (file:line) or an unknown collection is a ConfigError, so `serve` stops at start.
 * Returns the viewer of each token, and of callers without one.
 */
export function loadTokens(
  store: SequenceStore,
  file: string,
  options: { allowAllPublic?: boolean | undefined } = {},
): { anonymous: Viewer; tokens: Map<string, Viewer> } {
  const parsed = readTokensFile(file);
  // A name covers every collection it has ever been given to (ingest --reassign-name moves a
  // name): the collection the line was written for stays private after the name moves.
  const idsOf = new Map<string, number[]>();
  const unknown: string[] = [];
  for (const ref of parsed.privateRefs) {
    const ids = store.collectionIdsByRef(ref);
    if (ids.length === 0) unknown.push(ref);
    else idsOf.set(ref, ids);
  }
  if (unknown.length > 0)
    throw new ConfigError(
      `tokens file ${file}: no stored collection with digest or name ${unknown.map((r) => `'${r}'`).join(', ')}`,
    );
  const privateIds = new Set([...idsOf.values()].flat());
  // Fail closed: a file that makes nothing private (empty, only comments, only '*' grants) is a
  // mistake far more often than a choice, and would publish everything.
  if (privateIds.size === 0 && options.allowAllPublic !== true) {
    throw new ConfigError(
      `tokens file ${file} makes no collection private (it names none); every collection would be public. ` +
        'Name the private collections in it, or pass --allow-all-public if that is what you want',
    );
  }
  const tokens = new Map<string, Viewer>();
  for (const [token, grant] of parsed.grants) {
    const granted = grant === '*' ? privateIds : new Set([...grant].flatMap((r) => idsOf.get(r)!));
    tokens.set(token, viewerOf(new Set([...privateIds].filter((id) => !granted.has(id))), false));
  }
  return { anonymous: viewerOf(privateIds, true), tokens };
}

/** Sets `request.viewer` from `Authorization: Bearer <token>`; an unknown token is 401 everywhere. */
export const accessPlugin = fp<{ store: SequenceStore } & AccessOptions>(
  async (app, opts) => {
    app.decorateRequest('viewer', null);
    if (opts.tokensFile === undefined) {
      app.decorate('publicViewer', null);
      return;
    }
    const { anonymous, tokens } = loadTokens(opts.store, opts.tokensFile, { allowAllPublic: opts.allowAllPublic });
    app.decorate('publicViewer', anonymous);
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
  },
  { name: 'refget-access' },
);

/** May this caller see the sequence? (It may unless every collection holding it is hidden.) */
export function sequenceVisible(store: SequenceStore, viewer: Viewer | null, record: SequenceRecord): boolean {
  if (viewer === null || viewer.hidden.size === 0) return true;
  const ids = store.collectionIdsOf(record);
  return ids.length === 0 || ids.some((id) => !viewer.hidden.has(id));
}

export const collectionVisible = (viewer: Viewer | null, collectionId: number): boolean =>
  viewer === null || !viewer.hidden.has(collectionId);

/** The stored collection with this level-0 digest, if the caller may see it; else the same 404 as an unknown digest. */
export function visibleCollection(store: SequenceStore, digest: string, viewer: Viewer | null): CollectionRow {
  const collection = store.collections.get(digest);
  if (collection === undefined || !collectionVisible(viewer, collection.id)) {
    throw new AppError('COLLECTION_NOT_FOUND', `no collection with digest '${digest.slice(0, 100)}'`);
  }
  return collection;
}

/** May this caller see the alias? (It may if a collection whose ingest added it is visible.) */
export const aliasVisible = (viewer: Viewer | null, alias: Alias): boolean =>
  viewer === null || viewer.hidden.size === 0 || alias.sources.some((id) => !viewer.hidden.has(id));

/** The aliases of a sequence this caller may see. */
export function visibleAliases(store: SequenceStore, viewer: Viewer | null, record: SequenceRecord): Alias[] {
  const all = store.aliasesOf(record);
  return viewer === null || viewer.hidden.size === 0 ? all : all.filter((a) => aliasVisible(viewer, a));
}

/** The hidden collection ids as JSON for SQL filters, or undefined when the caller sees everything. */
export const hiddenCollections = (request: FastifyRequest): string | undefined => request.viewer?.hiddenJson;
