// Damaged stores never serve wrong bytes. A generated genome is ingested once; each trial copies
// the store, damages the copy (a flipped byte in a pack, a flipped byte in a page of the index's
// sequence table or its md5/ga4gh indexes, a truncated pack, a deleted pack), starts a real
// server on it (fast path on, real sockets) and sends every kind of request for every sequence:
// whole, start/end windows, a circular wrap, Range, FASTA, metadata, by md5 and by ga4gh id.
// A 2xx must carry exactly the expected bytes (the normalised FASTA text kept when the genome was
// written, never read back from the store); anything else must be an error or a cut body. Then
// `verify` must name exactly the sequences whose stored bytes were damaged.
import { cpSync, readFileSync, rmSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { buildApp } from '../../../src/app.js';
import { runIngest } from '../../../src/cli/ingest-command.js';
import { runVerify } from '../../../src/cli/verify-command.js';
import { SequenceStore } from '../../../src/store/sequence-store.js';
import { httpGet, makeTempDir, randInt, rng, writeGenome, type GeneratedRecord } from './common.js';

export interface CorruptionFigures {
  seed: number;
  trials: number;
  byKind: Record<string, number>;
  requests: number;
  /** 2xx answers, all compared byte for byte */
  ok2xx: number;
  /** 2xx answers whose bytes were wrong: must be 0 */
  wrong2xx: number;
  errors5xx: number;
  notFound: number;
  /** bodies cut short after the headers (damage found mid-stream) */
  cut: number;
  /** stores the server refused to open */
  refusedAtOpen: number;
  /** trials where verify named other sequences than the damaged ones */
  verifyMismatches: number;
  /** trials where a request found damage but verify reported none */
  verifyMissed: number;
  /** trials where a 500 CORRUPT_STORE was answered but /readyz did not fail */
  readyMissed: number;
  failures: string[];
  seconds: number;
}

interface Row {
  id: number;
  md5: string;
  ga4gh: string;
  pack_id: number;
  offset: number;
  byte_length: number;
}
interface Rec extends GeneratedRecord {
  text: Buffer;
  circular: boolean;
}

type Kind = 'pack-flip' | 'index-flip' | 'pack-truncate' | 'pack-delete';

export async function runCorruption(options: { seed: number; trials: number }): Promise<CorruptionFigures> {
  const began = Date.now();
  const rand = rng(options.seed);
  const tmp = makeTempDir('refget-corrupt-');
  const f: CorruptionFigures = {
    seed: options.seed,
    trials: 0,
    byKind: {},
    requests: 0,
    ok2xx: 0,
    wrong2xx: 0,
    errors5xx: 0,
    notFound: 0,
    cut: 0,
    refusedAtOpen: 0,
    verifyMismatches: 0,
    verifyMissed: 0,
    readyMissed: 0,
    failures: [],
    seconds: 0,
  };
  try {
    const fasta = join(tmp.dir, 'g.fa');
    const generated = writeGenome(
      fasta,
      options.seed,
      [
        { name: 'big', length: 1_200_000, nRun: 5000 }, // streamed when whole (> 1 MiB)
        { name: 'iupac', length: 40_000, iupacEvery: 97 },
        { name: 'raw', length: 9_000, iupacEvery: 2 }, // too many exceptions: stored raw
        { name: 'circ', length: 5_386 },
        { name: 'tiny', length: 7 },
      ],
      { keepText: true },
    );
    const recs: Rec[] = generated.map((g) => ({ ...g, text: g.text!, circular: g.name === 'circ' }));
    const base = join(tmp.dir, 'base');
    await runIngest([fasta], { store: base, circular: ['circ'] });
    const db = new Database(join(base, 'index.sqlite3'), { readonly: true });
    const rows = db.prepare('SELECT id, md5, ga4gh, pack_id, offset, byte_length FROM sequences ORDER BY id').all() as Row[];
    // Pages of the sequence table and of its md5 and ga4gh indexes (SQLite's dbstat table).
    const pages = db
      .prepare(`SELECT pageno FROM dbstat WHERE name IN ('sequences', 'sequences_md5', 'sqlite_autoindex_sequences_1')`)
      .pluck()
      .all() as number[];
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.close();
    const packFile = join(base, 'packs', '000001.pack');
    const packSize = statSync(packFile).size;

    for (let trial = 0; trial < options.trials; trial++) {
      const dir = join(tmp.dir, `t${trial}`);
      cpSync(base, dir, { recursive: true });
      const r = rand();
      const kind: Kind = r < 0.55 ? 'pack-flip' : r < 0.85 ? 'index-flip' : r < 0.95 ? 'pack-truncate' : 'pack-delete';
      f.byKind[kind] = (f.byKind[kind] ?? 0) + 1;
      const pack = join(dir, 'packs', '000001.pack');
      let damaged: Set<string> | undefined; // the sequences whose stored bytes changed (pack damage)
      let what = '';
      if (kind === 'pack-flip') {
        const row = rows[Math.floor(rand() * rows.length)]!;
        const at = row.offset + Math.floor(rand() * row.byte_length);
        const bytes = readFileSync(pack);
        bytes[at] = bytes[at]! ^ randInt(rand, 1, 255);
        writeFileSync(pack, bytes);
        damaged = new Set([row.ga4gh]);
        what = `byte ${at} of the pack (SQ.${row.ga4gh})`;
      } else if (kind === 'index-flip') {
        const page = pages[Math.floor(rand() * pages.length)]!;
        const at = (page - 1) * pageSize + Math.floor(rand() * pageSize);
        const bytes = readFileSync(join(dir, 'index.sqlite3'));
        bytes[at] = bytes[at]! ^ randInt(rand, 1, 255);
        writeFileSync(join(dir, 'index.sqlite3'), bytes);
        what = `byte ${at} of the index (page ${page})`;
      } else if (kind === 'pack-truncate') {
        const size = Math.floor(rand() * packSize);
        truncateSync(pack, size);
        damaged = new Set(rows.filter((row) => row.offset + row.byte_length > size).map((row) => row.ga4gh));
        what = `pack cut to ${size} bytes`;
      } else {
        rmSync(pack);
        damaged = new Set(rows.filter((row) => row.byte_length > 0).map((row) => row.ga4gh));
        what = 'pack deleted';
      }
      const label = `trial ${trial} (${kind}: ${what})`;
      const trialFigures = await serveAndCheck(dir, recs, rand, f, label);
      f.trials++;

      let named: Set<string> | undefined;
      try {
        const report = await runVerify(dir);
        named = new Set(report.problems.map((p) => p.sequence.slice(3)));
        if (trialFigures.foundDamage && report.problems.length === 0 && report.indexProblems.length === 0) {
          f.verifyMissed++;
          f.failures.push(`${label}: requests found damage, verify reported none`);
        }
      } catch {
        named = undefined; // verify refused the store at open (a damaged index header): exit 1 in the CLI
      }
      if (damaged !== undefined && (named === undefined || [...damaged].sort().join() !== [...named].sort().join())) {
        f.verifyMismatches++;
        f.failures.push(
          `${label}: verify named [${named === undefined ? 'nothing: refused' : [...named].join(', ')}], damaged [${[...damaged].join(', ')}]`,
        );
      }
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    tmp.remove();
  }
  f.seconds = (Date.now() - began) / 1000;
  return f;
}

interface Probe {
  path: string;
  headers: Record<string, string>;
  check: (status: number, body: Buffer) => boolean;
}

/** The requests of one trial for one record, each with the bytes a 2xx must carry. */
function probes(rec: Rec, rand: () => number): Probe[] {
  const L = rec.length;
  const text = rec.text;
  const same =
    (expected: Buffer) =>
    (_status: number, body: Buffer): boolean =>
      body.equals(expected);
  const out: Probe[] = [];
  for (const id of [rec.md5, rec.ga4gh]) {
    const s = Math.floor(rand() * L);
    const e = s + Math.floor(rand() * (L - s + 1));
    const rs = Math.floor(rand() * L);
    const re = Math.min(L - 1, rs + Math.floor(rand() * 20_000));
    out.push(
      { path: `/sequence/${id}`, headers: {}, check: same(text) },
      { path: `/sequence/${id}?start=${s}&end=${e}`, headers: {}, check: same(text.subarray(s, e)) },
      {
        path: `/sequence/${id}?start=${s}&end=${Math.min(L, s + 100)}`,
        headers: {},
        check: same(text.subarray(s, Math.min(L, s + 100))),
      },
      { path: `/sequence/${id}`, headers: { range: `bytes=${rs}-${re}` }, check: same(text.subarray(rs, re + 1)) },
      {
        path: `/sequence/${id}`,
        headers: { accept: 'text/x-fasta' },
        check: (_st, body) => {
          const lines = body.toString('latin1').split('\n');
          return lines[0]!.startsWith(`>${rec.ga4gh} md5:${rec.md5}`) && lines.slice(1).join('') === text.toString('latin1');
        },
      },
      {
        path: `/sequence/${id}/metadata`,
        headers: {},
        check: (_st, body) => {
          const m = (JSON.parse(body.toString('utf8')) as { metadata: { md5: string; ga4gh: string; length: number } }).metadata;
          return m.md5 === rec.md5 && m.ga4gh === rec.ga4gh && m.length === L;
        },
      },
    );
    if (rec.circular) {
      const ws = L - 1 - Math.floor(rand() * 100);
      const we = Math.floor(rand() * 100);
      out.push({
        path: `/sequence/${id}?start=${ws}&end=${we}`,
        headers: {},
        check: same(Buffer.concat([text.subarray(ws), text.subarray(0, we)])),
      });
    }
  }
  return out;
}

async function serveAndCheck(
  dir: string,
  recs: readonly Rec[],
  rand: () => number,
  f: CorruptionFigures,
  label: string,
): Promise<{ foundDamage: boolean }> {
  let store: SequenceStore;
  try {
    store = SequenceStore.open(dir);
  } catch (err) {
    f.refusedAtOpen++;
    if ((err as { code?: string }).code !== 'CORRUPT_STORE')
      f.failures.push(`${label}: open failed with ${(err as Error).message}`);
    return { foundDamage: true };
  }
  const app = await buildApp({
    store,
    closeStore: true,
    logger: false,
    overload: false,
    config: {
      host: '127.0.0.1',
      port: 0,
      storeDir: dir,
      circularSupported: true,
      subsequenceLimit: null,
      logLevel: 'silent',
      prettyLogs: false,
      maxListLimit: 1000,
      maxBatchIds: 100,
    },
  });
  let foundDamage = false;
  let corrupt500 = false;
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as { port: number }).port;
    for (const rec of recs) {
      for (const p of probes(rec, rand)) {
        f.requests++;
        let res: { status: number; body: Buffer };
        try {
          res = await httpGet(port, p.path, p.headers);
        } catch {
          f.cut++;
          foundDamage = true;
          continue;
        }
        if (res.status >= 200 && res.status < 300) {
          let good = false;
          try {
            good = p.check(res.status, res.body);
          } catch {
            good = false;
          }
          if (good) f.ok2xx++;
          else {
            f.wrong2xx++;
            f.failures.push(`${label}: ${p.path} ${JSON.stringify(p.headers)} answered ${res.status} with wrong bytes`);
          }
        } else if (res.status >= 500) {
          f.errors5xx++;
          foundDamage = true;
          if (res.body.toString().includes('CORRUPT_STORE')) corrupt500 = true;
        } else {
          f.notFound++;
          foundDamage = true;
        }
      }
    }
    if (corrupt500) {
      const ready = await httpGet(port, '/readyz');
      if (ready.status !== 503) {
        f.readyMissed++;
        f.failures.push(`${label}: a 500 CORRUPT_STORE was answered but /readyz says ${ready.status}`);
      }
    }
  } finally {
    await app.close();
  }
  return { foundDamage };
}
