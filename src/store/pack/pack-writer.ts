// Append-only writer for one pack file. Synchronous on purpose: the ingest hot path writes
// 1 MiB blocks into the page cache, and sync calls keep crash ordering obvious (fsync, then commit).
// Small writes (a protein, a short contig) are gathered into one buffer first: a write call per
// record was ~5 % of a 100,000-protein ingest.
import { closeSync, fdatasync, fsyncSync, ftruncateSync, openSync, readSync, writeSync, fstatSync } from 'node:fs';
import { AppError } from '../../errors.js';
import { BlockSummer } from '../../checksum/block-sums.js';

/** Writes at least this long go straight to the file (after what is gathered). */
const DIRECT_WRITE_BYTES = 64 << 10;
const GATHER_BYTES = 1 << 20;

export class PackWriter {
  readonly packId: number;
  readonly path: string;
  private fd: number;
  /** end of the pack, gathered bytes included */
  private pos: number;
  private readonly gathered = Buffer.allocUnsafe(GATHER_BYTES);
  private gatheredLength = 0;
  /** block checksums of the span being written (beginSpan … endSpan), fed by write() */
  private readonly summer = new BlockSummer();
  private spanStart: number | undefined;

  /** Opens (creating if needed) and truncates to `committedSize`: bytes past it belong to no row. */
  constructor(packId: number, path: string, committedSize: number) {
    this.packId = packId;
    this.path = path;
    this.fd = openSync(path, 'a+');
    closeSync(this.fd);
    this.fd = openSync(path, 'r+');
    const size = fstatSync(this.fd).size;
    if (size < committedSize) {
      closeSync(this.fd);
      throw new AppError(
        'CORRUPT_STORE',
        `${path} is ${size} bytes but the index says ${committedSize} are committed; run 'refget verify'`,
      );
    }
    if (size > committedSize) ftruncateSync(this.fd, committedSize);
    this.pos = committedSize;
  }

  get position(): number {
    return this.pos;
  }

  /** Starts a sequence's span: the block checksums of what is written from here on are kept. */
  beginSpan(): void {
    this.spanStart = this.pos;
    this.summer.reset();
  }

  /** The block checksums of the span written since beginSpan() (BLOCK_BYTES blocks, u32 LE each). */
  endSpan(): Buffer {
    if (this.spanStart === undefined) throw new Error('endSpan() without beginSpan()');
    this.spanStart = undefined;
    return this.summer.finish();
  }

  /** Appends `data`; the caller may reuse it as soon as this returns. */
  write(data: Uint8Array): void {
    if (this.spanStart !== undefined) this.summer.update(data);
    if (data.length < DIRECT_WRITE_BYTES) {
      if (this.gatheredLength + data.length > GATHER_BYTES) this.flush();
      this.gathered.set(data, this.gatheredLength);
      this.gatheredLength += data.length;
      this.pos += data.length;
      return;
    }
    this.flush();
    this.writeAll(data, this.pos);
    this.pos += data.length;
  }

  /** Drop everything from `position` on (a duplicate sequence, a transcode, a failed run). */
  truncate(position: number): void {
    // A span cut back to its start begins again (a transcode rewrites it); cut before its start it ends.
    if (this.spanStart !== undefined) {
      if (position === this.spanStart) this.summer.reset();
      else if (position < this.spanStart) this.spanStart = undefined;
      else throw new Error(`cannot truncate inside a span (${position} > ${this.spanStart})`);
    }
    const written = this.pos - this.gatheredLength;
    if (position >= written) {
      // Only gathered bytes go: no system call.
      this.gatheredLength = position - written;
    } else {
      this.gatheredLength = 0;
      ftruncateSync(this.fd, position);
    }
    this.pos = position;
  }

  readAt(position: number, length: number): Buffer {
    this.flush();
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = readSync(this.fd, buf, got, length - got, position + got);
      if (n === 0) throw new AppError('CORRUPT_STORE', `${this.path}: unexpected end at ${position + got}`);
      got += n;
    }
    return buf;
  }

  sync(): void {
    this.flush();
    fsyncSync(this.fd);
  }

  /**
   * Starts writing what is written so far to disk on the thread pool, so the disk works while
   * the caller waits for something else; sync() still makes everything durable (and is then
   * quick). Await the promise before close(), truncate() or sync(); its error is a write error.
   */
  syncInBackground(): Promise<void> {
    this.flush();
    return new Promise((resolve, reject) => {
      fdatasync(this.fd, (err) => (err ? reject(err) : resolve()));
    });
  }

  /** Closes the file. Gathered bytes not yet written are dropped: only sync() makes bytes count. */
  close(): void {
    this.gatheredLength = 0;
    closeSync(this.fd);
  }

  private flush(): void {
    if (this.gatheredLength === 0) return;
    const length = this.gatheredLength;
    // Cleared first: after a failed write (ENOSPC) the run is rolled back, never retried.
    this.gatheredLength = 0;
    this.writeAll(this.gathered.subarray(0, length), this.pos - length);
  }

  private writeAll(data: Uint8Array, at: number): void {
    let off = 0;
    while (off < data.length) {
      off += writeSync(this.fd, data, off, data.length - off, at + off);
    }
  }
}
