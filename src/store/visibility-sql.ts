// SQL conditions for private collections, shared by every query that must leave out what a caller
// may not see. `@hidden` is a JSON array of the collection ids the caller may not see. A
// collection is left out if hidden; a sequence only if it belongs to collections and every one of
// them is hidden; an alias unless one of the collections whose ingest added it is visible (and its
// sequence is): a private FASTA's record names stay private even on a sequence that is public.
export const COLLECTION_NOT_HIDDEN = 'c.id NOT IN (SELECT value FROM json_each(@hidden))';
export const NOT_HIDDEN_ID = 'NOT IN (SELECT value FROM json_each(@hidden))';
export const SEQUENCE_VISIBLE = (seq: string): string => `(EXISTS (SELECT 1 FROM collection_members m WHERE m.sequence_id = ${seq}
    AND m.collection_id ${NOT_HIDDEN_ID})
  OR NOT EXISTS (SELECT 1 FROM collection_members m WHERE m.sequence_id = ${seq}))`;
export const ALIAS_VISIBLE = `(EXISTS (SELECT 1 FROM alias_sources src WHERE src.naming_authority = a.naming_authority
    AND src.alias = a.alias AND src.sequence_id = a.sequence_id AND src.collection_id ${NOT_HIDDEN_ID})
  AND ${SEQUENCE_VISIBLE('a.sequence_id')})`;
