// Turns a path id into exactly one stored sequence, or the 404 / 300 the spec asks for.
import { parseSequenceId } from '../checksum/identifiers.js';
import { AppError } from '../errors.js';
import type { SequenceStore } from '../store/sequence-store.js';
import type { SequenceRecord } from '../store/types.js';

export function resolveSequence(store: SequenceStore, rawId: string): SequenceRecord {
  const id = parseSequenceId(rawId);
  const found = id === undefined ? [] : store.lookup(id);
  if (found.length === 1) return found[0]!;
  if (found.length === 0) throw new AppError('SEQUENCE_NOT_FOUND', `no sequence with id '${rawId.slice(0, 200)}'`);
  // v2: a namespaced alias that names several sequences → 300 with the candidates.
  throw new AppError('AMBIGUOUS_ALIAS', `'${rawId}' names ${found.length} sequences`, {
    candidates: found.map((r) => ({ ga4gh: `SQ.${r.ga4gh}`, md5: r.md5, length: r.length })),
  });
}
