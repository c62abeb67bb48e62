// Served bytes are right: random start/end ranges, circular wraps and Range headers over a
// generated genome, each answer compared with the slice of the normalised FASTA text (kept in
// memory when the genome was written, hashed with node:crypto, never read back from the store).
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import {
  makeTempDir,
  mapLimit,
  rng,
  runCli,
  startServerChild,
  writeGenome,
  type GeneratedRecord,
  type RecordSpec,
} from './common.js';

export interface RangeFigures {
  seed: number;
  genomeBases: number;
  requests: number;
  byKind: Record<string, number>;
  bytesCompared: number;
  mismatches: number;
  failures: string[];
  seconds: number;
}

interface Probe {
  kind: string;
  rec: GeneratedRecord;
  path: string;
  headers: Record<string, string>;
  status: number;
  expected: Buffer;
  contentRange?: string;
}

export function servedBytesSpecs(scale: number): RecordSpec[] {
  return [
    { name: 'lin', length: Math.round(6e6 * scale), nRun: 70_000, lowerFraction: 0.3, lineWidth: 60 },
    { name: 'circ', length: 50_000, lineWidth: 70 },
    { name: 'iupac', length: Math.round(1.2e6 * scale), iupacEvery: 7, lineWidth: 80 },
    { name: 'crlf', length: 200_003, crlf: true, lineWidth: 61, lowerFraction: 0.5 },
    { name: 'oneline', length: 1_500_001, lineWidth: 0 },
    { name: 'tiny', length: 5 },
  ];
}

function makeProbe(rand: () => number, recs: readonly GeneratedRecord[]): Probe {
  const rec = recs[Math.floor(rand() * recs.length)]!;
  const text = rec.text!;
  const L = text.length;
  const id = rand() < 0.5 ? rec.md5 : rand() < 0.5 ? rec.ga4gh : `ga4gh:${rec.ga4gh}`;
  // Lengths: mostly short, some medium, a few past the 1 MiB buffered/streamed boundary and the
  // 4 Mbp streaming block.
  const r = rand();
  const len = r < 0.7 ? Math.floor(rand() * 1000) : r < 0.95 ? Math.floor(rand() * 200_000) : Math.floor(rand() * 5_000_000);
  const pick = rand();
  const edge = (n: number): number => {
    const e = [0, 1, 3, 4, 5, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, (4 << 20) - 1, 4 << 20, L - 1, L];
    return Math.max(0, Math.min(n, e[Math.floor(rand() * e.length)]!));
  };
  let start = rand() < 0.15 ? edge(L - 1) : Math.floor(rand() * L);
  if (start >= L) start = L - 1;
  if (rec.name === 'circ' && pick < 0.35) {
    // a wrap: start > end, seq[start:] + seq[:end]
    const s = 1 + Math.floor(rand() * (L - 1));
    const e = Math.floor(rand() * s);
    return {
      kind: 'circular-wrap',
      rec,
      path: `/sequence/${id}?start=${s}&end=${e}`,
      headers: {},
      status: 200,
      expected: Buffer.concat([text.subarray(s), text.subarray(0, e)]),
    };
  }
  if (pick < 0.4) {
    const end = rand() < 0.1 ? L : Math.min(L, start + len);
    return {
      kind: 'start-end',
      rec,
      path: `/sequence/${id}?start=${start}&end=${end}`,
      headers: {},
      status: 200,
      expected: text.subarray(start, end),
    };
  }
  if (pick < 0.47)
    return {
      kind: 'start-only',
      rec,
      path: `/sequence/${id}?start=${start}`,
      headers: {},
      status: 200,
      expected: text.subarray(start),
    };
  if (pick < 0.52) {
    const end = Math.min(L, len);
    return {
      kind: 'end-only',
      rec,
      path: `/sequence/${id}?end=${end}`,
      headers: {},
      status: 200,
      expected: text.subarray(0, end),
    };
  }
  if (pick < 0.55) return { kind: 'whole', rec, path: `/sequence/${id}`, headers: {}, status: 200, expected: text };
  // Range: first..last inclusive; last may run past the end (clamped).
  const first = start;
  const last = rand() < 0.15 ? first + len + L : rand() < 0.1 ? L - 1 : first + len;
  const clampedLast = Math.min(last, L - 1);
  return {
    kind: last >= L ? 'range-clamped' : 'range',
    rec,
    path: `/sequence/${id}`,
    headers: { range: `bytes=${first}-${last}` },
    status: 206,
    expected: text.subarray(first, clampedLast + 1),
    contentRange: `bytes ${first}-${clampedLast}/${L}`,
  };
}

export async function runServedBytes(opts: {
  seed: number;
  requests: number;
  scale: number;
  concurrency?: number;
}): Promise<RangeFigures> {
  const began = Date.now();
  const tmp = makeTempDir('refget-bytes-');
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency ?? 8 });
  try {
    const fasta = join(tmp.dir, 'genome.fa');
    const recs = writeGenome(fasta, opts.seed, servedBytesSpecs(opts.scale), { keepText: true });
    const store = join(tmp.dir, 'store');
    const ing = await runCli(['ingest', '--store', store, '--circular', 'circ', fasta]);
    if (ing.code !== 0) throw new Error(`ingest failed: ${ing.stderr}`);
    const server = await startServerChild(store);
    try {
      const rand = rng(opts.seed);
      const probes = Array.from({ length: opts.requests }, () => makeProbe(rand, recs));
      const byKind: Record<string, number> = {};
      const failures: string[] = [];
      let bytesCompared = 0;
      await mapLimit(
        probes,
        opts.concurrency ?? 8,
        (p) =>
          new Promise<void>((resolve) => {
            byKind[p.kind] = (byKind[p.kind] ?? 0) + 1;
            const req = request({ host: '127.0.0.1', port: server.port, path: p.path, headers: p.headers, agent }, (res) => {
              const parts: Buffer[] = [];
              res.on('data', (c: Buffer) => parts.push(c));
              res.on('end', () => {
                const body = Buffer.concat(parts);
                bytesCompared += body.length;
                const where = `${p.rec.name} ${p.path} ${JSON.stringify(p.headers)}`;
                if (res.statusCode !== p.status) failures.push(`${where}: status ${res.statusCode}, expected ${p.status}`);
                else if (!body.equals(p.expected))
                  failures.push(`${where}: body of ${body.length} bytes differs from the ${p.expected.length}-byte slice`);
                else if (res.headers['content-length'] !== String(p.expected.length))
                  failures.push(`${where}: content-length ${res.headers['content-length']}`);
                else if (p.contentRange !== undefined && res.headers['content-range'] !== p.contentRange)
                  failures.push(`${where}: content-range ${res.headers['content-range']}, expected ${p.contentRange}`);
                resolve();
              });
              res.on('error', (err) => {
                failures.push(`${p.path}: ${err.message}`);
                resolve();
              });
            });
            req.on('error', (err) => {
              failures.push(`${p.path}: ${err.message}`);
              resolve();
            });
            req.end();
          }),
      );
      return {
        seed: opts.seed,
        genomeBases: recs.reduce((n, r) => n + r.length, 0),
        requests: probes.length,
        byKind,
        bytesCompared,
        mismatches: failures.length,
        failures: failures.slice(0, 20),
        seconds: (Date.now() - began) / 1000,
      };
    } finally {
      await server.stop();
    }
  } finally {
    agent.destroy();
    tmp.remove();
  }
}
