// FASTA input errors: always name the file, the 1-based line and the cause.
import { AppError } from '../errors.js';

export type FastaErrorCause =
  | 'EMPTY_FILE'
  | 'SEQUENCE_BEFORE_HEADER'
  | 'EMPTY_NAME'
  | 'DUPLICATE_NAME'
  | 'EMPTY_SEQUENCE'
  | 'INVALID_BYTE'
  | 'HEADER_TOO_LONG'
  | 'CORRUPT_COMPRESSION';

export class FastaFormatError extends AppError {
  readonly file: string;
  readonly line: number;
  readonly cause_: FastaErrorCause;

  constructor(file: string, line: number, cause: FastaErrorCause, message: string) {
    super('FASTA_FORMAT', `${file}:${line}: ${message}`, { file, line, cause });
    this.name = 'FastaFormatError';
    this.file = file;
    this.line = line;
    this.cause_ = cause;
  }
}
