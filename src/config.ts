// Server configuration: defaults, then environment, then CLI flags. The only module that reads
// process.env for the server.
import { storeDirFrom } from './cli/store-dir.js';

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly storeDir: string;
  readonly circularSupported: boolean;
  /** null = no limit (advertised as null in service-info) */
  readonly subsequenceLimit: number | null;
  readonly logLevel: string;
  /** JSON logs even on a TTY (tests, containers) */
  readonly prettyLogs: boolean;
  /** largest `limit` a discovery listing accepts (`limit=0`, everything streamed, is always allowed) */
  readonly maxListLimit: number;
  /** most ids one POST /sequence/metadata may ask for */
  readonly maxBatchIds: number;
}

export interface ConfigFlags {
  host?: string | undefined;
  port?: string | number | undefined;
  store?: string | undefined;
  circularSupported?: boolean | undefined;
  subsequenceLimit?: string | number | undefined;
  maxListLimit?: string | number | undefined;
  maxBatchIds?: string | number | undefined;
}

const truthy = (v: string | undefined): boolean | undefined =>
  v === undefined ? undefined : !/^(0|false|no|off)$/i.test(v.trim());

export function parseLimit(raw: string | number | undefined): number | null {
  if (raw === undefined || raw === '') return null;
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new TypeError(`subsequence limit must be a non-negative integer, got '${raw}'`);
  return n < 1 ? null : n; // v2: values below 1 mean no limit
}

export const DEFAULT_MAX_LIST_LIMIT = 100_000;
export const DEFAULT_MAX_BATCH_IDS = 1000;

/** A positive integer setting (e.g. --max-list-limit); `what` names it in the error. */
export function parsePositiveInt(raw: string | number, what: string): number {
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isSafeInteger(n) || n < 1 || (typeof raw === 'string' && !/^\s*[0-9]+\s*$/.test(raw))) {
    throw new TypeError(`${what} must be a positive integer, got '${raw}'`);
  }
  return n;
}

export function parsePort(raw: string | number): number {
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new TypeError(`port must be 0-65535, got '${raw}'`);
  return n;
}

export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return {
    host: flags.host ?? env.HOST ?? '127.0.0.1',
    port: parsePort(flags.port ?? env.PORT ?? 8080),
    storeDir: flags.store ?? storeDirFrom(undefined),
    circularSupported: flags.circularSupported ?? truthy(env.CIRCULAR_SUPPORTED) ?? true,
    subsequenceLimit: parseLimit(flags.subsequenceLimit ?? env.SUBSEQUENCE_LIMIT),
    logLevel: env.LOG_LEVEL ?? 'info',
    prettyLogs: process.stdout.isTTY === true && truthy(env.LOG_PRETTY) !== false,
    maxListLimit: parsePositiveInt(flags.maxListLimit ?? env.REFGET_MAX_LIST_LIMIT ?? DEFAULT_MAX_LIST_LIMIT, 'max list limit'),
    maxBatchIds: parsePositiveInt(flags.maxBatchIds ?? env.REFGET_MAX_BATCH_IDS ?? DEFAULT_MAX_BATCH_IDS, 'max batch ids'),
  };
}
