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

  constructor(resolvePath: (packId: number) => string) {
    this.resolvePath = resolvePath;
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
    const fd = this.fd(packId);
    const length = target.length;
    let got = 0;
    while (got < length) {
      const n = readSync(fd, target, got, length - got, position + got);
      if (n === 0) throw this.short(packId, position, length);
      got += n;
    }
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
