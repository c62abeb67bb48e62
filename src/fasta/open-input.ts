// Opening FASTA input (a path or '-' for stdin), transparent gzip/bgzip decoding by magic bytes,
// and pumping an input through FastaParser.
import { fstatSync } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { AppError } from '../errors.js';
import { FastaFormatError } from './errors.js';
import { FastaParser, type FastaSink } from './parser.js';

export interface FastaInput {
  /** Display name for messages: the path, or 'stdin' for '-'. */
  file: string;
  /** Bytes on disk (compressed size for gzip), for progress; undefined when unknown (pipes). */
  size: number | undefined;
  /** Decompressed FASTA bytes. A chunk may be overwritten once the next one is requested. */
  stream: AsyncIterable<Buffer>;
  /** Source bytes read so far (compressed bytes for gzip): progress is bytesIn() / size, since
   * the parser's bytesRead counts decompressed bytes. */
  bytesIn: () => number;
}

const READ_CHUNK = 1 << 20;

/**
 * Corrupt or truncated gzip data, thrown by FastaInput.stream. It is an AppError('INPUT_ERROR')
 * because the stream does not know the FASTA line; parseFastaInput, which does, turns it into
 * FastaFormatError(file, line, 'CORRUPT_COMPRESSION') so callers of that see one error type.
 */
export class CorruptCompressionError extends AppError {
  readonly file: string;
  readonly zlibMessage: string;

  constructor(file: string, zlibMessage: string) {
    super('INPUT_ERROR', `${file}: corrupt or truncated gzip data (${zlibMessage})`, { file });
    this.name = 'CorruptCompressionError';
    this.file = file;
    this.zlibMessage = zlibMessage;
  }
}

export async function openFastaInput(path: string): Promise<FastaInput> {
  if (path === '-') {
    // stdin redirected from a file (`< x.fa.gz`) still has a size worth reporting.
    let size: number | undefined;
    try {
      const st = fstatSync(0);
      size = st.isFile() ? st.size : undefined;
    } catch {
      size = undefined;
    }
    return decode('stdin', size, process.stdin);
  }
  // Open first so a missing or unreadable file fails here, not at the first read.
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw inputError(path, err);
  }
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw new AppError('INPUT_ERROR', `${path}: is a directory`);
    // A regular file must end as it began: one written to (or cut) while it is read would be
    // stored as a sequence that exists in no version of the file.
    const unchanged = st.isFile() ? unchangedCheck(path, handle, st.size, st.mtimeMs) : undefined;
    if (st.isFile() && !(await startsWithGzipMagic(handle))) return plainFile(path, st.size, handle, unchanged!);
    // FIFOs and /dev/fd/N (process substitution) are readable too; only regular files have a size.
    const stream = handle.createReadStream({ highWaterMark: READ_CHUNK, autoClose: false });
    return await decode(path, st.isFile() ? st.size : undefined, stream, unchanged, () => handle.close().catch(() => undefined));
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw inputError(path, err);
  }
}

/**
 * Pump input.stream into a FastaParser and end it. zlib failures become CORRUPT_COMPRESSION.
 * `afterChunk` runs after each pushed chunk and is awaited before the next is read: the ingest
 * uses it to apply backpressure (hash workers, pending digests) and to report progress.
 */
export async function parseFastaInput(
  input: FastaInput,
  sink: FastaSink,
  afterChunk?: (parser: FastaParser) => Promise<void> | void,
  options: { checkDuplicateNames?: boolean } = {},
): Promise<void> {
  const parser = new FastaParser(sink, { file: input.file, ...options });
  try {
    for await (const chunk of input.stream) {
      parser.push(chunk);
      await afterChunk?.(parser);
    }
  } catch (err) {
    if (err instanceof CorruptCompressionError) {
      throw new FastaFormatError(
        input.file,
        parser.line,
        'CORRUPT_COMPRESSION',
        `corrupt or truncated gzip data (${err.zlibMessage})`,
      );
    }
    throw err;
  }
  parser.end();
}

// ---- internals -----------------------------------------------------------------------------

function inputError(file: string, err: unknown): AppError {
  if (err instanceof AppError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new AppError('INPUT_ERROR', `${file}: no such file`);
  if (code === 'EACCES' || code === 'EPERM') return new AppError('INPUT_ERROR', `${file}: permission denied`);
  if (code === 'EISDIR') return new AppError('INPUT_ERROR', `${file}: is a directory`);
  return new AppError('INPUT_ERROR', `${file}: read failed (${(err as Error).message})`);
}

async function startsWithGzipMagic(handle: FileHandle): Promise<boolean> {
  const head = Buffer.alloc(2);
  const { bytesRead } = await handle.read(head, 0, 2, 0);
  return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * An uncompressed regular file, read into two buffers in turn: the next chunk is read while the
 * consumer works on the current one, and no chunk is a fresh allocation (a new 1 MiB buffer per
 * chunk cost ~70 ms of page faults per 250 MB read). A chunk is overwritten two reads later, so
 * consumers must be done with it when they ask for the next (parseFastaInput is).
 */
/**
 * The check run once a regular file has been read to its end: same size, same mtime, all bytes
 * read. Without `bytesRead` (a read that failed half-way) only size and mtime are compared.
 */
function unchangedCheck(file: string, handle: FileHandle, size: number, mtimeMs: number): (bytesRead?: number) => Promise<void> {
  return async (bytesRead) => {
    // After a failed read the handle may be closed already: then the path says what is there now.
    const now = await handle.stat().catch(() => stat(file));
    if (now.size !== size || now.mtimeMs !== mtimeMs || (bytesRead !== undefined && bytesRead !== size)) {
      throw new AppError(
        'INPUT_ERROR',
        `${file}: the file changed while it was read (${size} bytes at the start, ` +
          `${now.size} at the end${bytesRead === undefined ? '' : `, ${bytesRead} read`}); nothing was stored from it, ingest it again once it is complete`,
      );
    }
  };
}

function plainFile(file: string, size: number, handle: FileHandle, unchanged: (bytesRead: number) => Promise<void>): FastaInput {
  const counter = { bytes: 0 };
  async function* chunks(): AsyncGenerator<Buffer> {
    const buffers = [Buffer.allocUnsafeSlow(READ_CHUNK), Buffer.allocUnsafeSlow(READ_CHUNK)];
    let which = 0;
    let next: Promise<{ bytesRead: number }> | undefined;
    try {
      next = handle.read(buffers[0]!, 0, READ_CHUNK, null);
      for (;;) {
        const { bytesRead } = await next;
        next = undefined;
        if (bytesRead === 0) {
          await unchanged(counter.bytes);
          return;
        }
        const chunk = buffers[which]!.subarray(0, bytesRead);
        which ^= 1;
        next = handle.read(buffers[which]!, 0, READ_CHUNK, null);
        counter.bytes += bytesRead;
        yield chunk;
      }
    } catch (err) {
      throw inputError(file, err);
    } finally {
      // Stopped early (a parse error) or done: let a read in flight finish before closing.
      await next?.catch(() => undefined);
      await handle.close().catch(() => undefined);
    }
  }
  return { file, size, stream: chunks(), bytesIn: () => counter.bytes };
}

/** Peek at the first two bytes (keeping them) and pick plain or gzip decoding. `atEnd` runs once the source is read. */
async function decode(
  file: string,
  size: number | undefined,
  source: AsyncIterable<Buffer>,
  atEnd?: (bytesRead?: number) => Promise<void>,
  release?: () => Promise<void>,
): Promise<FastaInput> {
  const it = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  let done = false;
  // A pipe may deliver a single byte first; keep reading until two bytes or EOF.
  while (headBytes < 2) {
    const r = await nextChunk(it, file);
    if (r === undefined) {
      done = true;
      break;
    }
    head.push(r);
    headBytes += r.length;
  }
  const first = head.length === 0 ? undefined : head.length === 1 ? head[0]! : Buffer.concat(head);
  const counter = { bytes: 0 };
  const gzip = first !== undefined && first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
  const replay = replayThenRest(
    first,
    done ? undefined : it,
    file,
    counter,
    gzip ? bgzfEofCheck(file) : undefined,
    atEnd,
    release,
  );
  return { file, size, stream: gzip ? gunzip(file, replay, atEnd) : replay, bytesIn: () => counter.bytes };
}

async function nextChunk(it: AsyncIterator<Buffer>, file: string): Promise<Buffer | undefined> {
  try {
    const r = await it.next();
    return r.done ? undefined : r.value;
  } catch (err) {
    throw inputError(file, err);
  }
}

async function* replayThenRest(
  first: Buffer | undefined,
  it: AsyncIterator<Buffer> | undefined,
  file: string,
  counter: { bytes: number },
  tail: TailCheck | undefined,
  atEnd: ((bytesRead: number) => Promise<void>) | undefined,
  release: (() => Promise<void>) | undefined,
): AsyncGenerator<Buffer> {
  try {
    if (first !== undefined && first.length > 0) {
      counter.bytes += first.length;
      tail?.see(first);
      yield first;
    }
    if (it !== undefined) {
      for (;;) {
        const chunk = await nextChunk(it, file);
        if (chunk === undefined) break;
        counter.bytes += chunk.length;
        tail?.see(chunk);
        yield chunk;
      }
    }
    tail?.end();
    await atEnd?.(counter.bytes);
  } finally {
    // Stopped early (a parse error): release the file descriptor / stop reading stdin.
    await it?.return?.();
    await release?.();
  }
}

/** The empty gzip member bgzip writes last (SAM/BAM spec §4.1.2): without it, a BGZF file is cut short. */
export const BGZF_EOF = Buffer.from('1f8b08040000000000ff0600424302001b0003000000000000000000', 'hex');

interface TailCheck {
  see(chunk: Buffer): void;
  end(): void;
}

/**
 * BGZF (bgzip's blocked gzip) is a series of complete gzip members, so a file cut at a block
 * boundary (a killed bgzip, a partial copy) still decompresses without error. Its end-of-file
 * block is what tells a complete file: a BGZF stream (first member with the 'BC' extra field)
 * must end with it. Plain gzip cut anywhere fails in zlib itself.
 */
function bgzfEofCheck(file: string): TailCheck {
  let head = Buffer.alloc(0);
  let last = Buffer.alloc(0);
  return {
    see(chunk) {
      if (head.length < 16) head = Buffer.concat([head, chunk.subarray(0, 16 - head.length)]);
      last =
        chunk.length >= BGZF_EOF.length
          ? Buffer.from(chunk.subarray(chunk.length - BGZF_EOF.length))
          : Buffer.concat([last, chunk]).subarray(-BGZF_EOF.length);
    },
    end() {
      const bgzf = head.length >= 16 && head[3] === 0x04 && head[12] === 0x42 && head[13] === 0x43;
      if (bgzf && !last.equals(BGZF_EOF)) {
        throw new AppError(
          'INPUT_ERROR',
          `${file}: truncated BGZF file (no end-of-file block: a partial copy or an interrupted bgzip); nothing was stored from it`,
        );
      }
    },
  };
}

/**
 * gunzip decodes every member of a multi-member stream (bgzip writes one member per 64 KiB
 * block), not just the first. Input errors pass through unchanged; zlib errors (their codes
 * start with 'Z_') become CorruptCompressionError.
 */
async function* gunzip(
  file: string,
  compressed: AsyncIterable<Buffer>,
  unchanged: ((bytesRead?: number) => Promise<void>) | undefined,
): AsyncGenerator<Buffer> {
  const inflater = createGunzip({ chunkSize: 256 * 1024 });
  // pipeline() destroys both streams if either fails or the consumer stops early; the error
  // itself reaches us through the iteration below.
  pipeline(Readable.from(compressed, { objectMode: false }), inflater, () => {});
  try {
    for await (const chunk of inflater) yield chunk as Buffer;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      // Bytes appended to a file while it is read reach zlib as garbage after the last member:
      // then the cause to report is the change, not corruption.
      await unchanged?.();
      throw new CorruptCompressionError(file, (err as Error).message);
    }
    throw inputError(file, err);
  }
}
