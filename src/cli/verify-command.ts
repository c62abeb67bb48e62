// `refget verify`: checks the index file (SQLite's integrity check), every sequence row (its
// checksum, and that the md5 and ga4gh indexes lead back to it), and every sequence's stored
// bytes (block checksums; and, unless --quick, re-digests the bases and compares them with the
// row). Reports each damaged sequence once and nothing else.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { storeErrorOf } from '../errors.js';
import { SequenceStore } from '../store/sequence-store.js';

export interface VerifyProblem { sequence: string; names: string[]; problem: string }
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
  const store = SequenceStore.open(storeDir);
  const report: VerifyReport = { sequences: 0, bases: 0, problems: [], indexProblems: [], seconds: 0 };
  const indexProblem = (line: string): void => { report.indexProblems.push(line); options.onIndexProblem?.(line); };
  try {
    try {
      for (const line of store.indexIntegrity()) if (line !== 'ok') indexProblem(line);
    } catch (err) {
      indexProblem((storeErrorOf(err) as Error).message);
    }
    const packSizes = new Map<number, number>();
    for (const pack of store.packFiles()) {
      let size = 0;
      try { size = statSync(pack.path).size; } catch { size = -1; }
      packSizes.set(pack.id, size);
    }
    try {
      for (const row of store.allRows()) {
        report.sequences++;
        const problem = await checkRow(store, row, packSizes, options.quick === true);
        if (typeof row.record !== 'string') report.bases += row.record.length;
        if (problem === undefined) continue;
        let names: string[] = [];
        try { names = store.recordNames(row.rowId); } catch { names = []; }
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

async function checkRow(store: SequenceStore, row: ReturnType<SequenceStore['allRows']> extends Generator<infer R> ? R : never,
  packSizes: Map<number, number>, quick: boolean): Promise<string | undefined> {
  const record = row.record;
  if (typeof record === 'string') return record;
  const keys = store.rowIdsByKey(record.md5, record.ga4gh);
  if (!keys.byMd5.includes(row.rowId)) return `the md5 index does not lead to this sequence (md5 ${record.md5})`;
  if (keys.byGa4gh.length !== 1 || keys.byGa4gh[0] !== row.rowId) return 'the ga4gh index does not lead to this sequence';
  const size = packSizes.get(record.packId);
  if (size === undefined) return `its pack ${record.packId} is not listed in the index`;
  if (size < 0) return `its pack file ${record.packId} is missing`;
  if (record.offset + record.byteLength > size) {
    return `its pack file is truncated (${size} bytes; this sequence ends at ${record.offset + record.byteLength})`;
  }
  try {
    if (quick) {
      await store.checkStoredBytes(record);
      return undefined;
    }
    const md5 = createHash('md5');
    const sha = createHash('sha512');
    for await (const block of store.streamRange(record, 0, record.length)) {
      md5.update(block as Buffer);
      sha.update(block as Buffer);
    }
    const gotMd5 = md5.digest('hex');
    const gotGa4gh = sha.digest().subarray(0, 24).toString('base64url');
    if (gotMd5 !== record.md5 || gotGa4gh !== record.ga4gh) return `content does not match its digests (read md5 ${gotMd5}, expected ${record.md5})`;
  } catch (err) {
    const known = storeErrorOf(err) as Error & { details?: { detail?: unknown } };
    return typeof known.details?.detail === 'string' ? known.details.detail : known.message;
  }
  return undefined;
}
