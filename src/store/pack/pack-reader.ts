// Positional reads from pack files through cached descriptors. Small reads are synchronous:
// from the page cache they take microseconds, far less than a thread-pool round trip; large
// reads (streaming a chromosome) go through the thread pool so they never stall the event loop.
import { openSync, closeSync, readSync } from 'node:fs';
import { read as readCb } from 'node:fs';
import { promisify } from 'node:util';
import { AppError } from '../../errors.js';

const readAsync = promisify(readCb);
export const SYNC_READ_LIMIT = 64 * 1024;

export class PackReader {
  private readonly fds = new Map<number, number>();
  private readonly resolvePath: (packId: number) => string;
  /** Read-ahead for scans (see constructor); undefined when reads go straight to the file. */
  private readonly window: { bytes: Buffer; packId: number; position: number; length: number } | undefined;

  /**
   * `readAheadBytes`: small synchronous reads are served from one window of that many bytes, read
   * in one go from where a read falls outside it. For a scan in pack order (verify reads every
   * sequence, and sequences are appended in id order) this turns a pread per sequence into one
   * per window; a pack's bytes never change once written, so a window cannot go stale.
   */
  constructor(resolvePath: (packId: number) => string, options: { readAheadBytes?: number } = {}) {
    this.resolvePath = resolvePath;
    const size = options.readAheadBytes ?? 0;
    this.window = size > 0 ? { bytes: Buffer.allocUnsafeSlow(size), packId: -1, position: 0, length: 0 } : undefined;
  }

  private fd(packId: number): number {
    let fd = this.fds.get(packId);
    if (fd === undefined) {
      const path = this.resolvePath(packId);
      try {
        fd = openSync(path, 'r');
      } catch (err) {
        throw new AppError('CORRUPT_STORE', `cannot open pack ${path}: ${(err as Error).message}`);
      }
      this.fds.set(packId, fd);
    }
    return fd;
  }

  readSync(packId: number, position: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    this.readIntoSync(packId, position, buf);
    return buf;
  }

  /** Fills `target` with the bytes at `position`, synchronously (small reads). */
  readIntoSync(packId: number, position: number, target: Buffer): void {
    const length = target.length;
    const w = this.window;
    if (w !== undefined && length <= w.bytes.length) {
      if (w.packId !== packId || position < w.position || position + length > w.position + w.length) {
        w.packId = -1; // invalid until the read below succeeds
        w.length = this.fill(packId, position, w.bytes);
        w.packId = packId;
        w.position = position;
      }
      if (position + length > w.position + w.length) throw this.short(packId, position, length);
      w.bytes.copy(target, 0, position - w.position, position - w.position + length);
      return;
    }
    const fd = this.fd(packId);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, target, got, length - got, position + got);
      if (n === 0) throw this.short(packId, position, length);
      got += n;
    }
  }

  /** Reads up to target.length bytes at `position` (fewer only at the end of the file). */
  private fill(packId: number, position: number, target: Buffer): number {
    const fd = this.fd(packId);
    let got = 0;
    while (got < target.length) {
      const n = readSync(fd, target, got, target.length - got, position + got);
      if (n === 0) break;
      got += n;
    }
    return got;
  }

  async read(packId: number, position: number, length: number): Promise<Buffer> {
    if (length <= SYNC_READ_LIMIT) return this.readSync(packId, position, length);
    const buf = Buffer.allocUnsafe(length);
    await this.readInto(packId, position, buf);
    return buf;
  }

  /** Fills `target` with the bytes at `position` (through the thread pool when it is large). */
  async readInto(packId: number, position: number, target: Buffer): Promise<void> {
    const fd = this.fd(packId);
    const length = target.length;
    let got = 0;
    while (got < length) {
      const n =
        length <= SYNC_READ_LIMIT
          ? readSync(fd, target, got, length - got, position + got)
          : (await readAsync(fd, target, got, length - got, position + got)).bytesRead;
      if (n === 0) throw this.short(packId, position, length);
      got += n;
    }
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  private short(packId: number, position: number, length: number): AppError {
    return new AppError(
      'CORRUPT_STORE',
      `pack ${this.resolvePath(packId)} is shorter than expected (reading ${length} bytes at ${position})`,
    );
  }
}
