// Append-only writer for one pack file. Synchronous on purpose: the ingest hot path writes
// 1 MiB blocks into the page cache, and sync calls keep crash ordering obvious (fsync, then commit).
import { closeSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync, fstatSync } from 'node:fs';
import { AppError } from '../../errors.js';

export class PackWriter {
  readonly packId: number;
  readonly path: string;
  private fd: number;
  private pos: number;

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
      throw new AppError('CORRUPT_PACK', `${path} is ${size} bytes but the index says ${committedSize} are committed; run 'refget verify'`);
    }
    if (size > committedSize) ftruncateSync(this.fd, committedSize);
    this.pos = committedSize;
  }

  get position(): number {
    return this.pos;
  }

  write(data: Uint8Array): void {
    let off = 0;
    while (off < data.length) {
      off += writeSync(this.fd, data, off, data.length - off, this.pos + off);
    }
    this.pos += data.length;
  }

  /** Drop everything from `position` on (a duplicate sequence, a transcode, a failed run). */
  truncate(position: number): void {
    ftruncateSync(this.fd, position);
    this.pos = position;
  }

  readAt(position: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = readSync(this.fd, buf, got, length - got, position + got);
      if (n === 0) throw new AppError('CORRUPT_PACK', `${this.path}: unexpected end at ${position + got}`);
      got += n;
    }
    return buf;
  }

  sync(): void {
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}
