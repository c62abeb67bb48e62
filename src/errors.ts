// The one error type every layer throws for expected failures. Each carries a stable string
// `code`; http/error-handler.ts is the only place that maps codes to HTTP statuses, and the CLI
// maps any AppError to exit code 1 with its message.

export type ErrorCode =
  // request shape (http)
  | 'BAD_REQUEST'
  | 'INVALID_PARAMETER'
  | 'INVALID_RANGE'
  | 'RANGE_WITH_QUERY'
  | 'RANGE_NOT_SATISFIABLE'
  | 'CIRCULAR_UNSUPPORTED'
  | 'NOT_ACCEPTABLE'
  | 'UNAUTHORIZED'
  | 'URI_TOO_LONG'
  | 'UNPROCESSABLE'
  | 'BODY_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  // the connection or the server (http)
  | 'REQUEST_TIMEOUT'
  | 'HEADERS_TOO_LARGE'
  | 'OVERLOADED'
  // pull-through mirroring (an upstream refget server failed us)
  | 'UPSTREAM_FAILED'
  | 'UPSTREAM_TIMEOUT'
  // lookups (store)
  | 'SEQUENCE_NOT_FOUND'
  | 'AMBIGUOUS_ALIAS'
  | 'COLLECTION_NOT_FOUND'
  | 'ATTRIBUTE_NOT_FOUND'
  | 'NOT_FOUND'
  // store integrity and lifecycle
  | 'SCHEMA_MISMATCH'
  | 'STORE_NOT_FOUND'
  | 'STORE_LOCKED'
  | 'READ_ONLY'
  | 'CORRUPT_STORE'
  // input files
  | 'FASTA_FORMAT'
  | 'ALIASES_FORMAT'
  | 'INPUT_ERROR'
  // output files (export-ref-cache)
  | 'OUTPUT_ERROR';

export class AppError extends Error {
  readonly code: ErrorCode;
  /** Extra, JSON-safe facts for the client (e.g. candidate ids for an ambiguous alias). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

export const isAppError = (err: unknown): err is AppError => err instanceof AppError;

/**
 * SQLite reports a damaged index file as SQLITE_CORRUPT or SQLITE_NOTADB, possibly on any query:
 * that is a damaged store, never a bug, and is reported as CORRUPT_STORE. Other errors pass.
 */
export function storeErrorOf(err: unknown): unknown {
  if (isAppError(err)) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'))) {
    return new AppError('CORRUPT_STORE', `the store index is damaged (${(err as Error).message}); run 'refget verify'`);
  }
  return err;
}
