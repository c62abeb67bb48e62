// Turns a path id into exactly one stored sequence, or the 404 / 300 the spec asks for.
// Sequences the caller may not see (private collections) are left out first: 401 without a
// token, 404 with one, as if they were not stored.
import { parseSequenceId } from '../checksum/identifiers.js';
import { AppError } from '../errors.js';
import type { SequenceStore } from '../store/sequence-store.js';
import type { SequenceRecord } from '../store/types.js';
import { hiddenError, sequenceVisible, type Viewer } from './access.js';

export function resolveSequence(store: SequenceStore, rawId: string, viewer: Viewer | null = null): SequenceRecord {
  const id = parseSequenceId(rawId);
  const stored = id === undefined ? [] : store.lookup(id);
  const found = viewer === null ? stored : stored.filter((r) => sequenceVisible(store, viewer, r));
  if (found.length === 1) return found[0]!;
  if (found.length === 0) {
    const notFound = new AppError('SEQUENCE_NOT_FOUND', `no sequence with id '${rawId.slice(0, 200)}'`);
    throw stored.length > 0 && viewer !== null ? hiddenError(viewer, notFound) : notFound;
  }
  // v2: a namespaced alias that names several sequences → 300 with the candidates.
  throw new AppError('AMBIGUOUS_ALIAS', `'${rawId}' names ${found.length} sequences`, {
    candidates: found.map((r) => ({ ga4gh: `SQ.${r.ga4gh}`, md5: r.md5, length: r.length })),
  });
}
