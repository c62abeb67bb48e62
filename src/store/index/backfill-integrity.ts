// Schema 2's backfill: block checksums and row checksums for the sequences of a store written by
// an older release. Checksums taken from damaged bytes would certify the damage, so each sequence
// is first read whole and re-digested; a sequence whose bytes no longer match its md5 and ga4gh
// digests stops the upgrade (nothing is written: the migration is one transaction).
import { createHash } from 'node:crypto';
import { AppError } from '../../errors.js';
import { BlockSummer, blockSum } from '../../checksum/block-sums.js';
import { codecOf } from '../codec/codec.js';
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

/** Bases decoded per step (a multiple of 4): memory stays small whatever the sequence length. */
const WINDOW_BASES = 16 << 20;
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
    const codec = codecOf(row.encoding);
    if (codec === undefined || codec.storedBytes(row.length, row.exception_count) !== row.byte_length) {
      throw damaged('its row is inconsistent');
    }
    const read = (from: number, to: number): Buffer => packs.readSync(row.pack_id, row.offset + from, to - from);
    const decoder = codec.decoder(
      {
        rowId: row.id,
        ga4gh: row.ga4gh,
        md5: row.md5,
        length: row.length,
        circular: row.circular === 1,
        encoding: codec.encoding,
        packId: row.pack_id,
        offset: row.offset,
        byteLength: row.byte_length,
        exceptionCount: row.exception_count,
        blockSumsSum: 0,
      },
      read,
    );
    // Consecutive 4-aligned windows of bases have consecutive stored spans: the stored bytes are
    // read once, in order, for both the digests and the block checksums; what follows the last
    // span (a 2-bit exception table) is summed at the end.
    let summed = 0;
    const bases = Buffer.allocUnsafe(Math.min(WINDOW_BASES, row.length));
    for (let start = 0; start < row.length; start += WINDOW_BASES) {
      const end = Math.min(row.length, start + WINDOW_BASES);
      const [from, to] = decoder.span(start, end);
      if (from !== summed) throw new Error(`stored spans are not consecutive (${from} after ${summed})`);
      const stored = read(from, to);
      summer.update(stored);
      summed = to;
      const out = bases.subarray(0, end - start);
      decoder.decodeInto(stored, start, end, out);
      md5.update(out);
      sha.update(out);
    }
    if (summed < row.byte_length) summer.update(read(summed, row.byte_length));
  } catch (err) {
    if (err instanceof AppError && err.message.startsWith('cannot upgrade')) throw err;
    throw damaged((err as Error).message);
  }
  if (md5.digest('hex') !== row.md5 || sha.digest().subarray(0, 24).toString('base64url') !== row.ga4gh) {
    throw damaged('its bases do not match its digests');
  }
  return summer.finish();
}
