// Every stored sequence a free-form identifier may mean, among those the caller may see: the
// digest and `authority:alias` forms refget takes, `VMC:GS_…` (seqrepo's name for the same
// digest as `ga4gh:SQ.…`), and a bare word tried as an alias in every naming authority (one
// index seek per authority), as seqrepo infers the namespace of `NM_000551.3`. Used by the
// SeqRepo interface (which wants exactly one) and by search (which lists them all).
import { parseSequenceId } from '../checksum/identifiers.js';
import { AppError } from '../errors.js';
import type { SequenceStore } from '../store/sequence-store.js';
import type { SequenceRecord } from '../store/types.js';
import type { Viewer } from './access.js';
import { resolveSequence } from './resolve-sequence.js';

export function findSequences(store: SequenceStore, query: string, viewer: Viewer | null): SequenceRecord[] {
  const vmc = /^VMC:GS_(.+)$/i.exec(query);
  const candidates =
    vmc !== null
      ? [`ga4gh:SQ.${vmc[1]!}`]
      : query.includes(':') || parseSequenceId(query) !== undefined
        ? [query]
        : store.namingAuthorities(viewer?.hiddenJson).map((authority) => `${authority}:${query}`);
  const found = new Map<number, SequenceRecord>();
  for (const id of candidates) {
    try {
      const record = resolveSequence(store, id, viewer);
      found.set(record.rowId, record);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.code === 'SEQUENCE_NOT_FOUND') continue;
      if (err.code !== 'AMBIGUOUS_ALIAS') throw err;
      // An alias naming several sequences: each of them (resolveSequence checked visibility).
      for (const c of (err.details?.candidates ?? []) as { ga4gh: string }[]) {
        const [record] = store.lookup({ kind: 'ga4gh', digest: c.ga4gh.slice('SQ.'.length) });
        if (record !== undefined) found.set(record.rowId, record);
      }
    }
  }
  return [...found.values()];
}
