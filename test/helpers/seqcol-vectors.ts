// The seqcol spec's "levels" example (collections A/B/C): its level-2 input and every digest the
// spec gives for it. Shared by the tests of computeSeqcol and of the streaming SeqcolBuilder.

export const SPEC_LEVELS_EXAMPLE = {
  input: {
    lengths: [1216, 970, 1788],
    names: ['A', 'B', 'C'],
    sequences: [
      'SQ.OL3sVAcd_5IZaDxUkH-yQkLmBz2iwY0s',
      'SQ.kny8cdhEEPHXoNlXmps8NQapGtUKZlM9',
      'SQ.DA-GLdXVihnYKs-fBS5MMgqMi7tVMJbt',
    ],
  },
  digest: 'Zjx9_tD2o-1yKB6RR2v2g3W9c5ufydUc',
  level1: {
    lengths: 'QWhPI-Cll_0Y5NJ_2krRryuV97vzhbgJ',
    names: '1zOnTYE5slcISev72o62ySxbssEXeoUL',
    sequences: 'uPCc00rq-daL3zPnzYH-sBg9_z7HpB8B',
    sorted_sequences: 'V_tEfkoQ9Skgehhky2suBdxVscrCh_2l',
    name_length_pairs: 'bHPtLJo5hFjYOrtEd5oq8lcgPlpZdyqp',
    sorted_name_length_pairs: 'teUwsXLWRCwRZTc6G3cqNw0V8I7dCeNb',
  },
  /** The transient level-2 value of sorted_name_length_pairs. */
  sortedNameLengthPairs: [
    'Qw2KHvKdmDXz4Q8NpexnRm22GLh2bRgL',
    'oP10vfrI-h5L37d0-yAULjoolrgLvMte',
    'vORM0mJWAmLArjsGB1kovQtmqmPNWAEl',
  ],
};
