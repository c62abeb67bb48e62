// Schema 2's backfill: block checksums and row checksums for the sequences of a store written by
// an older release. Checksums taken from damaged bytes would certify the damage, so each sequence
// is first read whole and re-digested; a sequence whose bytes no longer match its md5 and ga4gh
// digests stops the upgrade (nothing is written: the migration is one transaction).
import { createHash } from 'node:crypto';
import { AppError } from '../../errors.js';
import { BlockSummer, blockSum } from '../../checksum/block-sums.js';
import { decodeTwoBit, deserialiseRuns, packedSize, EXCEPTION_RUN_BYTES } from '../codec/twobit.js';
import { packPath } from '../layout.js';
import { PackReader } from '../pack/pack-reader.js';
import { sequenceRowSum } from '../row-sum.js';
import type { Db } from './database.js';

interface Row {
  id: number;
  ga4gh: string;
  md5: string;
  length: number;
  encoding: string;
  pack_id: number;
  offset: number;
  byte_length: number;
  exception_count: number;
  circular: number;
}

/** Stored bytes read per step: memory stays small whatever the sequence length. */
const WINDOW_BYTES = 4 << 20;
const BATCH = 1000;

export function backfillIntegrity(db: Db, storeDir: string): void {
  const packFile = db.prepare('SELECT file FROM packs WHERE id = ?').pluck();
  const packs = new PackReader((id) => {
    const file = packFile.get(id) as string | undefined;
    if (file === undefined) throw new AppError('CORRUPT_STORE', `the index names pack ${id}, which it does not list`);
    return packPath(storeDir, file);
  });
  const batch = db.prepare(`SELECT id, ga4gh, md5, length, encoding, pack_id, offset, byte_length, exception_count, circular
    FROM sequences WHERE id > ? ORDER BY id LIMIT ${BATCH}`);
  const update = db.prepare('UPDATE sequences SET block_sums_sum = ?, row_sum = ?, block_sums = ? WHERE id = ?');
  try {
    let last = 0;
    for (;;) {
      const rows = batch.all(last) as Row[];
      if (rows.length === 0) break;
      for (const row of rows) {
        const sums = checkedBlockSums(packs, row);
        const blockSumsSum = blockSum(sums);
        const rowSum = sequenceRowSum({
          ga4gh: row.ga4gh,
          md5: row.md5,
          length: row.length,
          encoding: row.encoding,
          packId: row.pack_id,
          offset: row.offset,
          byteLength: row.byte_length,
          exceptionCount: row.exception_count,
          circular: row.circular === 1,
          blockSumsSum,
        });
        update.run(blockSumsSum, rowSum, sums, row.id);
        last = row.id;
      }
    }
  } finally {
    packs.close();
  }
}

/** The block checksums of a sequence's stored bytes, once they are shown to decode to its digests. */
function checkedBlockSums(packs: PackReader, row: Row): Buffer {
  const damaged = (why: string): AppError =>
    new AppError(
      'CORRUPT_STORE',
      `cannot upgrade the store: sequence SQ.${row.ga4gh} (md5 ${row.md5}) is damaged (${why}); ` +
        `restore the store from a backup, or ingest its FASTA into a new store`,
    );
  const summer = new BlockSummer();
  const md5 = createHash('md5');
  const sha = createHash('sha512');
  try {
    const twobit = row.encoding === 'twobit';
    const packed = twobit ? packedSize(row.length) : row.length;
    if (row.byte_length !== packed + (twobit ? row.exception_count * EXCEPTION_RUN_BYTES : 0))
      throw damaged('its row is inconsistent');
    const runsBytes = twobit
      ? packs.readSync(row.pack_id, row.offset + packed, row.exception_count * EXCEPTION_RUN_BYTES)
      : undefined;
    const runs = runsBytes === undefined ? undefined : deserialiseRuns(runsBytes, row.exception_count);
    for (let at = 0; at < packed; at += WINDOW_BYTES) {
      const bytes = packs.readSync(row.pack_id, row.offset + at, Math.min(WINDOW_BYTES, packed - at));
      summer.update(bytes);
      const bases = runs === undefined ? bytes : decodeTwoBit(bytes, at * 4, Math.min(row.length, (at + bytes.length) * 4), runs);
      md5.update(bases);
      sha.update(bases);
    }
    if (runsBytes !== undefined) summer.update(runsBytes);
  } catch (err) {
    if (err instanceof AppError && err.message.startsWith('cannot upgrade')) throw err;
    throw damaged((err as Error).message);
  }
  if (md5.digest('hex') !== row.md5 || sha.digest().subarray(0, 24).toString('base64url') !== row.ga4gh) {
    throw damaged('its bases do not match its digests');
  }
  return summer.finish();
}
