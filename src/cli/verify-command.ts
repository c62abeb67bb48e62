// `refget verify`: re-read every sequence from its pack, re-digest it and compare with the index.
// Also checks that every pack file exists and holds its committed bytes.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { SequenceStore } from '../store/sequence-store.js';

export interface VerifyProblem { sequence: string; names: string[]; problem: string }
export interface VerifyReport { sequences: number; bases: number; problems: VerifyProblem[]; seconds: number }

export async function runVerify(storeDir: string, onProblem: (p: VerifyProblem) => void = () => undefined): Promise<VerifyReport> {
  const began = Date.now();
  const store = SequenceStore.open(storeDir);
  const report: VerifyReport = { sequences: 0, bases: 0, problems: [], seconds: 0 };
  const problem = (p: VerifyProblem): void => { report.problems.push(p); onProblem(p); };
  try {
    const badPacks = new Map<number, string>();
    for (const pack of store.packFiles()) {
      let size: number | undefined;
      try { size = statSync(pack.path).size; } catch { size = undefined; }
      if (size === undefined) badPacks.set(pack.id, `pack file ${pack.path} is missing`);
      else if (size < pack.committedSize) badPacks.set(pack.id, `pack file ${pack.path} is truncated (${size} of ${pack.committedSize} bytes)`);
    }
    for (const record of store.allSequences()) {
      report.sequences++;
      report.bases += record.length;
      const id = `SQ.${record.ga4gh}`;
      const names = store.recordNames(record);
      const packProblem = badPacks.get(record.packId);
      if (packProblem !== undefined && record.offset + record.byteLength > 0) {
        problem({ sequence: id, names, problem: packProblem });
        continue;
      }
      try {
        const md5 = createHash('md5');
        const sha = createHash('sha512');
        for await (const block of store.streamRange(record, 0, record.length)) {
          md5.update(block as Buffer);
          sha.update(block as Buffer);
        }
        const gotMd5 = md5.digest('hex');
        const gotGa4gh = sha.digest().subarray(0, 24).toString('base64url');
        if (gotMd5 !== record.md5 || gotGa4gh !== record.ga4gh) {
          problem({ sequence: id, names, problem: `content does not match its digests (read md5 ${gotMd5}, expected ${record.md5})` });
        }
      } catch (err) {
        problem({ sequence: id, names, problem: (err as Error).message });
      }
    }
  } finally {
    store.close();
  }
  report.seconds = (Date.now() - began) / 1000;
  return report;
}
