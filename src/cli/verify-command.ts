// `refget verify`: checks the index file (SQLite's integrity check), every sequence row (its
// checksum, and that the md5 and ga4gh indexes lead back to it), and every sequence's stored
// bytes (block checksums; and, unless --quick, re-digests the bases and compares them with the
// row). Reports each damaged sequence once and nothing else.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { storeErrorOf } from '../errors.js';
import { SequenceStore } from '../store/sequence-store.js';

export interface VerifyProblem {
  sequence: string;
  names: string[];
  problem: string;
}
export interface VerifyReport {
  sequences: number;
  bases: number;
  /** damaged sequences, one entry each */
  problems: VerifyProblem[];
  /** what SQLite's integrity check found wrong in the index file (empty when it is sound) */
  indexProblems: string[];
  seconds: number;
}

export interface VerifyOptions {
  /** check block checksums only, without decoding and re-digesting the bases */
  quick?: boolean;
  onProblem?: (p: VerifyProblem) => void;
  onIndexProblem?: (line: string) => void;
}

export async function runVerify(storeDir: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const began = Date.now();
  const store = SequenceStore.open(storeDir, { scan: true });
  const report: VerifyReport = { sequences: 0, bases: 0, problems: [], indexProblems: [], seconds: 0 };
  const indexProblem = (line: string): void => {
    report.indexProblems.push(line);
    options.onIndexProblem?.(line);
  };
  const quick = options.quick === true;
  try {
    // SQLite's integrity check compares every index entry with its row: when it passes, every row
    // is found by its own md5 and ga4gh keys. What it names (`row N missing from index …`) is
    // looked up row by row; a problem it cannot place makes every row be looked up.
    const suspects = new Set<number>();
    let lookUpAll = false;
    if (!quick) {
      try {
        for (const line of store.indexIntegrity()) {
          if (line === 'ok') continue;
          indexProblem(line);
          const row = /^row (\d+) missing from index/.exec(line);
          if (row !== null) suspects.add(Number(row[1]));
          else if (/sequences/.test(line)) lookUpAll = true;
        }
      } catch (err) {
        indexProblem((storeErrorOf(err) as Error).message);
        lookUpAll = true;
      }
    }
    const packSizes = new Map<number, number>();
    for (const pack of store.packFiles()) {
      let size = 0;
      try {
        size = statSync(pack.path).size;
      } catch {
        size = -1;
      }
      packSizes.set(pack.id, size);
    }
    try {
      for (const row of store.allRows()) {
        report.sequences++;
        const problem = await checkRow(store, row, packSizes, { quick, lookUp: lookUpAll || suspects.has(row.rowId) });
        if (typeof row.record !== 'string') report.bases += row.record.length;
        if (problem === undefined) continue;
        let names: string[] = [];
        try {
          names = store.recordNames(row.rowId);
        } catch {
          names = [];
        }
        const p = { sequence: `SQ.${row.ga4gh}`, names, problem };
        report.problems.push(p);
        options.onProblem?.(p);
      }
    } catch (err) {
      // The sequences table itself cannot be read to the end.
      indexProblem(`reading the sequences table failed: ${(storeErrorOf(err) as Error).message}`);
    }
  } finally {
    store.close();
  }
  report.seconds = (Date.now() - began) / 1000;
  return report;
}

/** Sequences up to this length are read and hashed in one synchronous read; longer ones stream. */
const WHOLE_READ_BASES = 1 << 20;

async function checkRow(
  store: SequenceStore,
  row: ReturnType<SequenceStore['allRows']> extends Generator<infer R> ? R : never,
  packSizes: Map<number, number>,
  opts: { quick: boolean; lookUp: boolean },
): Promise<string | undefined> {
  const record = row.record;
  if (typeof record === 'string') return record;
  if (opts.lookUp) {
    const keys = store.rowIdsByKey(record.md5, record.ga4gh);
    if (!keys.byMd5.includes(row.rowId)) return `the md5 index does not lead to this sequence (md5 ${record.md5})`;
    if (keys.byGa4gh.length !== 1 || keys.byGa4gh[0] !== row.rowId) return 'the ga4gh index does not lead to this sequence';
  }
  const size = packSizes.get(record.packId);
  if (size === undefined) return `its pack ${record.packId} is not listed in the index`;
  if (size < 0) return `its pack file ${record.packId} is missing`;
  if (record.offset + record.byteLength > size) {
    return `its pack file is truncated (${size} bytes; this sequence ends at ${record.offset + record.byteLength})`;
  }
  if (!store.adoptBlockSums(record, row.blockSums)) return 'its block checksums do not match its row';
  try {
    if (opts.quick) {
      await store.checkStoredBytes(record);
      return undefined;
    }
    const md5 = createHash('md5');
    const sha = createHash('sha512');
    if (record.length <= WHOLE_READ_BASES) {
      const bases = store.readRangeSync(record, 0, record.length);
      md5.update(bases);
      sha.update(bases);
    } else {
      for await (const block of store.streamRange(record, 0, record.length)) {
        md5.update(block as Buffer);
        sha.update(block as Buffer);
      }
    }
    const gotMd5 = md5.digest('hex');
    const gotGa4gh = sha.digest().subarray(0, 24).toString('base64url');
    if (gotMd5 !== record.md5 || gotGa4gh !== record.ga4gh)
      return `content does not match its digests (read md5 ${gotMd5}, expected ${record.md5})`;
  } catch (err) {
    const known = storeErrorOf(err) as Error & { details?: { detail?: unknown } };
    return typeof known.details?.detail === 'string' ? known.details.detail : known.message;
  }
  return undefined;
}
