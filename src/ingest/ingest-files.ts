// One ingest run: FASTA files → sequences, aliases and one collection per file, all inside one
// IngestSession (one transaction). Orchestration only: parsing is fasta/, hashing checksum/,
// bytes and rows store/.
import { md5Hex, sha512t24u, GA4GH_PREFIX } from '../checksum/digests.js';
import { parseSequenceId } from '../checksum/identifiers.js';
import { StreamingDigester, type Digests } from '../checksum/streaming-digester.js';
import { AppError } from '../errors.js';
import type { FastaSink } from '../fasta/parser.js';
import { openFastaInput, parseFastaInput } from '../fasta/open-input.js';
import { duplicateName } from '../fasta/parser.js';
import { SeqcolBuilder } from '../seqcol/collection-builder.js';
import { RUN_WIDE, type IngestSession } from '../store/ingest-session.js';
import type { StreamingSequenceWriter } from '../store/sequence-writer.js';
import type { AliasEntry } from './aliases-file.js';

export interface IngestOptions {
  /** the first header token of each record becomes an alias under this authority */
  readonly namingAuthority?: string | undefined;
  /** record names to mark circular */
  readonly circular?: readonly string[];
  readonly aliases?: readonly AliasEntry[];
  /** human name for the collection (only with a single input file) */
  readonly collectionName?: string | undefined;
  /** move collectionName from another collection that has it (refused otherwise) */
  readonly reassignName?: boolean | undefined;
  readonly onProgress?: (p: { file: string; bytes: number; size: number | undefined }) => void;
}

export interface IngestSummary {
  files: number;
  records: number;
  sequencesAdded: number;
  duplicates: number;
  aliasesAdded: number;
  bases: number;
  collections: { source: string; digest: string; added: boolean; sequences: number }[];
  seconds: number;
}

/** Records up to this size are hashed and packed in one go; longer ones stream. */
export const WHOLE_RECORD_BYTES = 1 << 20;
/** Bytes allowed to wait for the hash workers before the reader pauses. */
const MAX_HASH_BACKLOG = 32 << 20;

type Event = { type: 'start'; name: string; line: number } | { type: 'sequence'; chunk: Buffer } | { type: 'end' };

/**
 * Turns parser callbacks into stored sequences and staged collection members. Short records are
 * buffered, hashed on this thread and written only if new. Long ones stream to the pack while
 * two workers hash them; when one ends, its digest is awaited before anything else is written (a
 * duplicate's bytes are cut back), so events arriving meanwhile — at most one input chunk — are
 * queued and replayed.
 */
class RecordSink implements FastaSink {
  /** the collection digests, fed one member at a time (members are staged in the store) */
  readonly seqcol = new SeqcolBuilder();
  aliasesAdded = 0;
  added = 0;
  duplicates = 0;
  bases = 0;
  private name = '';
  private line = 0;
  private readonly whole = Buffer.allocUnsafe(WHOLE_RECORD_BYTES);
  private wholeLength = 0;
  private streaming: StreamingSequenceWriter | undefined;
  private streamedLength = 0;
  private pending:
    { digests: Promise<Digests>; writer: StreamingSequenceWriter; name: string; line: number; length: number } | undefined;
  private deferred: Event[] = [];

  constructor(
    private readonly session: IngestSession,
    private readonly digester: StreamingDigester,
    /** this file's number for its staged members (IngestSession.beginStagedFile) */
    private readonly file: number,
    private readonly namingAuthority: string | undefined,
  ) {}

  recordStart(name: string, _description: string, line: number): void {
    if (this.pending) this.deferred.push({ type: 'start', name, line });
    else this.start(name, line);
  }

  sequence(chunk: Buffer): void {
    if (this.pending) this.deferred.push({ type: 'sequence', chunk: Buffer.from(chunk) });
    else this.append(chunk);
  }

  recordEnd(): void {
    if (this.pending) this.deferred.push({ type: 'end' });
    else this.end();
  }

  /** A streamed record is waiting for its digests (the hash workers' backlog). */
  get waitingForDigests(): boolean {
    return this.pending !== undefined;
  }

  /** Completes a streamed record whose digest was pending, then replays what queued behind it. */
  async settle(): Promise<void> {
    while (this.pending) {
      const { digests, writer, name, line, length } = this.pending;
      this.pending = undefined;
      const d = await digests;
      this.store(name, line, length, d, this.session.finishStreamingSequence(writer, d));
      const queued = this.deferred;
      this.deferred = [];
      for (let i = 0; i < queued.length; i++) {
        const e = queued[i]!;
        if (this.pending) {
          this.deferred.push(...queued.slice(i));
          break;
        }
        if (e.type === 'start') this.start(e.name, e.line);
        else if (e.type === 'sequence') this.append(e.chunk);
        else this.end();
      }
    }
  }

  private start(name: string, line: number): void {
    this.name = name;
    this.line = line;
    this.wholeLength = 0;
    this.streaming = undefined;
    this.streamedLength = 0;
  }

  private append(chunk: Buffer): void {
    if (this.streaming) {
      this.streaming.write(chunk);
      this.digester.update(chunk);
      this.streamedLength += chunk.length;
      return;
    }
    if (this.wholeLength + chunk.length <= WHOLE_RECORD_BYTES) {
      chunk.copy(this.whole, this.wholeLength);
      this.wholeLength += chunk.length;
      return;
    }
    const probe = this.whole.subarray(0, this.wholeLength);
    this.streaming = this.session.beginStreamingSequence(probe);
    this.digester.update(probe);
    this.streamedLength = this.wholeLength;
    this.append(chunk);
  }

  private end(): void {
    if (this.streaming) {
      if (this.streamedLength > 0xffffffff) {
        throw new AppError(
          'INPUT_ERROR',
          `record '${this.name}' (line ${this.line}) is longer than 4294967295 bases, the refget limit`,
        );
      }
      this.pending = {
        digests: this.digester.digest(),
        writer: this.streaming,
        name: this.name,
        line: this.line,
        length: this.streamedLength,
      };
      this.streaming = undefined;
      return;
    }
    const bases = this.whole.subarray(0, this.wholeLength);
    const digests = { md5: md5Hex(bases), ga4gh: sha512t24u(bases) };
    this.store(this.name, this.line, bases.length, digests, this.session.addWholeSequence(bases, digests));
  }

  private store(name: string, line: number, length: number, digests: Digests, result: { rowId: number; added: boolean }): void {
    if (result.added) this.added++;
    else this.duplicates++;
    this.bases += length;
    const position = this.seqcol.count;
    const pairDigest = this.seqcol.add(name, length, GA4GH_PREFIX + digests.ga4gh);
    this.session.stageMember(this.file, position, { name, rowId: result.rowId, ga4gh: digests.ga4gh, pairDigest, line });
    if (this.namingAuthority !== undefined && this.session.addAlias(result.rowId, this.namingAuthority, name, this.file))
      this.aliasesAdded++;
  }
}

export async function ingestFiles(
  session: IngestSession,
  paths: readonly string[],
  options: IngestOptions = {},
): Promise<IngestSummary> {
  const began = process.hrtime.bigint();
  if (options.collectionName !== undefined && paths.length !== 1) {
    throw new AppError('INPUT_ERROR', '--collection-name names the collection of one file; give exactly one input file');
  }
  const summary: IngestSummary = {
    files: 0,
    records: 0,
    sequencesAdded: 0,
    duplicates: 0,
    aliasesAdded: 0,
    bases: 0,
    collections: [],
    seconds: 0,
  };
  const digester = new StreamingDigester();
  try {
    for (const path of paths) {
      const input = await openFastaInput(path);
      const file = session.beginStagedFile();
      const sink = new RecordSink(session, digester, file, options.namingAuthority);
      // Record names are checked for duplicates from the staged members on disk (below), not
      // by the parser, which would hold every name in memory.
      await parseFastaInput(
        input,
        sink,
        async () => {
          await sink.settle();
          await digester.drain(MAX_HASH_BACKLOG);
          options.onProgress?.({ file: input.file, bytes: input.bytesIn(), size: input.size });
        },
        { checkDuplicateNames: false },
      );
      // The input is read, but a last streamed record's digests wait on the workers' backlog
      // (up to MAX_HASH_BACKLOG bytes of SHA-512, ~50-80 ms): write the pack back meanwhile.
      // Only then: with nothing to wait for, an extra fdatasync per file only costs time
      // (300 one-record files: 0.66-0.74 s against 0.62-0.64 s).
      const packSynced = sink.waitingForDigests ? session.startPackSync() : undefined;
      try {
        await sink.settle();
      } finally {
        await packSynced;
      }

      const duplicate = session.firstDuplicateName(file);
      if (duplicate !== undefined) throw duplicateName(input.file, duplicate.name, duplicate.line, duplicate.first);
      const seqcol = sink.seqcol.finish(prefixed(session.stagedGa4ghSorted(file)), session.stagedPairDigestsSorted(file));
      const collection = session.addCollection({
        digest: seqcol.digest,
        level1: seqcol.level1,
        file,
        sequenceCount: sink.seqcol.count,
        totalLength: sink.bases,
        source: input.file,
        name: options.collectionName,
        reassignName: options.reassignName === true,
      });
      summary.collections.push({
        source: input.file,
        digest: collection.digest,
        added: collection.added,
        sequences: sink.seqcol.count,
      });
      summary.aliasesAdded += sink.aliasesAdded;
      summary.files++;
      summary.records += sink.seqcol.count;
      summary.sequencesAdded += sink.added;
      summary.duplicates += sink.duplicates;
      summary.bases += sink.bases;
    }
  } finally {
    await digester.close();
  }

  for (const name of options.circular ?? []) {
    for (const rowId of resolveName(session, name, '--circular')) session.markCircular(rowId);
  }
  for (const entry of options.aliases ?? []) {
    const rowIds = resolveAliasTarget(session, entry);
    if (rowIds === undefined) continue;
    for (const rowId of rowIds) if (session.addAlias(rowId, entry.namingAuthority, entry.alias, RUN_WIDE)) summary.aliasesAdded++;
  }
  summary.seconds = Number(process.hrtime.bigint() - began) / 1e9;
  return summary;
}

/** ga4gh ids (without 'SQ.') as seqcol's `sequences` elements. */
export function* prefixed(ga4ghIds: Iterable<string>): Generator<string> {
  for (const id of ga4ghIds) yield GA4GH_PREFIX + id;
}

/** A record name of this run, or a stored sequence's md5 / ga4gh id. */
function resolveName(session: IngestSession, name: string, what: string): Iterable<number> {
  const found = lookupName(session, name);
  if (found === undefined) {
    throw new AppError('INPUT_ERROR', `${what} ${name}: no record of that name in this run, and no stored sequence with that id`);
  }
  return found;
}

function lookupName(session: IngestSession, name: string): Iterable<number> | undefined {
  const local = session.stagedByName(name);
  if (local.length > 0) return local;
  const id = parseSequenceId(name);
  const rowId =
    id?.kind === 'md5' ? session.findByMd5(id.md5) : id?.kind === 'ga4gh' ? session.findByGa4gh(id.digest) : undefined;
  return rowId === undefined ? undefined : [rowId];
}

/**
 * TSV rows must name something (an error otherwise); assembly-report rows are matched by any of
 * their names and silently skipped when none is present (a report lists more than one file has).
 */
function resolveAliasTarget(session: IngestSession, entry: AliasEntry): Iterable<number> | undefined {
  if (entry.altNames.length === 0) return resolveName(session, entry.name, `aliases line ${entry.line}:`);
  for (const name of [entry.name, ...entry.altNames]) {
    const found = lookupName(session, name);
    if (found !== undefined) return found;
  }
  return undefined;
}
