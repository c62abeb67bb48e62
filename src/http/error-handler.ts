// THE mapping from error codes to HTTP statuses, and the error body shape
// ({"error": code, "message": text}). 5xx texts are never shown; stack traces never leave the log.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isAppError, storeErrorOf, type ErrorCode } from '../errors.js';
import { unsatisfiedContentRange } from './interval.js';
import { sendJson } from './json.js';
import { RETRY_AFTER_SECONDS } from './overload.js';

const STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  INVALID_PARAMETER: 400,
  INVALID_RANGE: 400,
  RANGE_WITH_QUERY: 400,
  RANGE_NOT_SATISFIABLE: 416,
  CIRCULAR_UNSUPPORTED: 501,
  NOT_ACCEPTABLE: 406,
  UNAUTHORIZED: 401,
  URI_TOO_LONG: 414,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  REQUEST_TIMEOUT: 408,
  HEADERS_TOO_LARGE: 431,
  OVERLOADED: 503,
  UPSTREAM_FAILED: 502,
  UPSTREAM_TIMEOUT: 504,
  SEQUENCE_NOT_FOUND: 404,
  AMBIGUOUS_ALIAS: 300,
  COLLECTION_NOT_FOUND: 404,
  ATTRIBUTE_NOT_FOUND: 404,
  NOT_FOUND: 404,
  SCHEMA_MISMATCH: 500,
  STORE_NOT_FOUND: 500,
  STORE_LOCKED: 503,
  READ_ONLY: 500,
  CORRUPT_STORE: 500,
  FASTA_FORMAT: 400,
  ALIASES_FORMAT: 400,
  INPUT_ERROR: 400,
  OUTPUT_ERROR: 500,
};

/** Headers a handler may have set for a success body before it failed; none fits an error body. */
const SUCCESS_ONLY_HEADERS = ['etag', 'cache-control', 'accept-ranges', 'content-range'] as const;

export function errorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  // A read error after the sequence headers were set must not leave `Cache-Control: immutable`
  // and an ETag on the error: shared caches would keep the 500 for a year.
  for (const name of SUCCESS_ONLY_HEADERS) reply.removeHeader(name);
  const err = storeErrorOf(error) as FastifyError | Error;
  // SQLite found a corrupt page: damage like a failed checksum (the store counts its own).
  if (err !== error && isAppError(err) && err.code === 'CORRUPT_STORE') request.server.store.noteDamage(err.message);
  if (isAppError(err)) {
    const status = STATUS[err.code];
    if (err.code === 'OVERLOADED') {
      // Expected under load: no error log per refused request, and the client learns when to retry.
      reply.header('retry-after', String(RETRY_AFTER_SECONDS)).header('cache-control', 'no-store');
      sendJson(reply.code(status), { error: err.code, message: err.message });
      return;
    }
    if (err.code === 'UPSTREAM_FAILED' || err.code === 'UPSTREAM_TIMEOUT' || err.code === 'STORE_LOCKED') {
      // Not this server's fault, and the client is told what failed (the mirror logged each
      // upstream's failure); nothing is cached, so asking again after Retry-After may succeed.
      reply.header('cache-control', 'no-store').header('retry-after', String(RETRY_AFTER_SECONDS));
      sendJson(reply.code(status), { error: err.code, message: err.message, ...err.details });
      return;
    }
    if (status >= 500) {
      request.log.error({ err }, 'request failed');
      reply.header('cache-control', 'no-store');
      sendJson(reply.code(status), { error: err.code, message: 'Internal Server Error' });
      return;
    }
    if (err.code === 'UNAUTHORIZED') reply.header('www-authenticate', 'Bearer');
    if (err.code === 'RANGE_NOT_SATISFIABLE' && typeof err.details?.length === 'number') {
      reply.header('content-range', unsatisfiedContentRange(err.details.length));
    }
    sendJson(reply.code(status), { error: err.code, message: err.message, ...err.details });
    return;
  }
  const fe = err as FastifyError;
  const status = typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 600 ? fe.statusCode : 500;
  if (status >= 500) {
    request.log.error({ err }, 'request failed');
    reply.header('cache-control', 'no-store');
    sendJson(reply.code(500), { error: 'INTERNAL', message: 'Internal Server Error' });
    return;
  }
  // Fastify's own 4xx (validation, bad JSON body, body too large, URI too long) get one of our
  // codes, never the framework's (FST_ERR_…): clients match on `error`, and which framework
  // answers is nobody's business. Their messages can quote the request (a 414 quoted the whole
  // URL): never more than a prefix.
  if (status === STATUS.URI_TOO_LONG) {
    sendJson(reply.code(status), { error: 'URI_TOO_LONG', message: 'the request path is too long' });
    return;
  }
  const code = frameworkErrorCode(fe, status);
  const parameter = fe.validationContext === 'querystring' || fe.validationContext === 'params' ? parameterOf(fe) : undefined;
  const message = shortText(fe.validationContext === undefined ? fe.message : `${fe.validationContext} ${fe.message}`);
  sendJson(reply.code(STATUS[code]), { error: code, message, ...(parameter === undefined ? {} : { parameter }) });
}

/** Our code for an error Fastify raised itself (its status kept where we have a code for it). */
function frameworkErrorCode(fe: FastifyError, status: number): ErrorCode {
  if (fe.validationContext === 'querystring' || fe.validationContext === 'params') return 'INVALID_PARAMETER';
  if (status === STATUS.BODY_TOO_LARGE) return 'BODY_TOO_LARGE';
  if (status === STATUS.UNSUPPORTED_MEDIA_TYPE) return 'UNSUPPORTED_MEDIA_TYPE';
  if (status === STATUS.NOT_FOUND) return 'NOT_FOUND';
  return 'BAD_REQUEST';
}

/** The query or path parameter a validation error is about, when ajv says. */
function parameterOf(fe: FastifyError): string | undefined {
  const first = fe.validation?.[0];
  if (first === undefined) return undefined;
  const missing = (first.params as { missingProperty?: unknown }).missingProperty;
  if (typeof missing === 'string') return missing;
  const path = first.instancePath.replace(/^\//, '').split('/')[0];
  return path === '' ? undefined : path;
}

/** At most MAX_ECHO characters of text that may come from the request. */
const MAX_ECHO = 200;
const shortText = (text: string): string => (text.length <= MAX_ECHO ? text : `${text.slice(0, MAX_ECHO)}...`);

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  sendJson(reply.code(404), {
    error: 'NOT_FOUND',
    message: shortText(`no route for ${request.method} ${request.url.split('?')[0]}`),
  });
}

/**
 * A request Node's HTTP parser cannot read (headers over 16 KiB, a bad request line, a header
 * timeout): answered on the raw socket, which is then closed. Fastify's default answer omits
 * `Connection: close`, so a keep-alive client put the socket back in its pool and its next
 * request failed with "socket hang up"; this one says so, in our error body shape.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [code, message]: [ErrorCode, string] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? ['REQUEST_TIMEOUT', 'the request did not arrive in time']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? ['HEADERS_TOO_LARGE', 'request line and headers exceed 16 KiB']
        : ['BAD_REQUEST', 'malformed HTTP request'];
  const status = STATUS[code];
  const body = JSON.stringify({ error: code, message });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nAccess-Control-Allow-Origin: *\r\n` +
        `Content-Type: application/json; charset=us-ascii\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
