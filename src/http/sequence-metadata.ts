// The refget metadata object of one sequence (spec §2.5), shared by GET /sequence/:id/metadata
// and the batch POST /sequence/metadata so the two can never drift apart.
import { sha512t24uToTrunc512 } from '../checksum/digests.js';
import type { SequenceStore } from '../store/sequence-store.js';
import type { SequenceRecord } from '../store/types.js';
import { visibleAliases, type Viewer } from './access.js';
import { negotiate } from './media-types.js';
import { resolveSequence } from './resolve-sequence.js';

/** The route pattern of GET /sequence/:id/metadata (its metrics label on both paths). */
export const METADATA_ROUTE = '/sequence/:id/metadata';

export interface SequenceMetadata {
  id: string;
  md5: string;
  ga4gh: string;
  trunc512: string;
  length: number;
  circular: boolean;
  aliases: { alias: string; naming_authority: string }[];
}

/** `id` is the identifier as the client asked for it (the v2 OpenAPI's `id`); aliases are those `viewer` may see. */
export function sequenceMetadata(
  store: SequenceStore,
  id: string,
  record: SequenceRecord,
  viewer: Viewer | null,
): SequenceMetadata {
  return {
    id,
    md5: record.md5,
    ga4gh: `SQ.${record.ga4gh}`,
    trunc512: sha512t24uToTrunc512(record.ga4gh),
    length: record.length,
    circular: record.circular,
    aliases: visibleAliases(store, viewer, record).map((a) => ({ alias: a.alias, naming_authority: a.namingAuthority })),
  };
}

/** The body of GET /sequence/:id/metadata: 404/300 for the id first, then 406 for Accept (spec order). */
export function planMetadata(
  store: SequenceStore,
  id: string,
  accept: string | undefined,
  viewer: Viewer | null,
): { metadata: SequenceMetadata } {
  const record = resolveSequence(store, id, viewer);
  negotiate(accept, ['json']);
  return { metadata: sequenceMetadata(store, id, record, viewer) };
}
