// Turns a path id into exactly one stored sequence, or the 404 / 300 the spec asks for.
// Sequences the caller may not see (private collections), and sequences found by an alias the
// caller may not see, are left out first: the same 404 as an id that is not stored.
import { parseSequenceId } from '../checksum/identifiers.js';
import { AppError } from '../errors.js';
import type { SequenceStore } from '../store/sequence-store.js';
import type { SequenceRecord } from '../store/types.js';
import { aliasVisible, sequenceVisible, type Viewer } from './access.js';

export function resolveSequence(store: SequenceStore, rawId: string, viewer: Viewer | null = null): SequenceRecord {
  const id = parseSequenceId(rawId);
  const stored = id === undefined ? [] : store.lookup(id);
  const found =
    viewer === null
      ? stored
      : stored.filter(
          (r) =>
            sequenceVisible(store, viewer, r) &&
            (id?.kind !== 'alias' ||
              store
                .aliasesOf(r)
                .some(
                  (a) =>
                    a.namingAuthority === id.namingAuthority.toLowerCase() && a.alias === id.alias && aliasVisible(viewer, a),
                )),
        );
  if (found.length === 1) return found[0]!;
  if (found.length === 0) throw new AppError('SEQUENCE_NOT_FOUND', `no sequence with id '${rawId.slice(0, 200)}'`);
  // v2: a namespaced alias that names several sequences → 300 with the candidates.
  throw new AppError('AMBIGUOUS_ALIAS', `'${rawId.slice(0, 200)}' names ${found.length} sequences`, {
    candidates: found.map((r) => ({ ga4gh: `SQ.${r.ga4gh}`, md5: r.md5, length: r.length })),
  });
}
