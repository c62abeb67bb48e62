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
}

export interface ConfigFlags {
  host?: string | undefined;
  port?: string | number | undefined;
  store?: string | undefined;
  circularSupported?: boolean | undefined;
  subsequenceLimit?: string | number | undefined;
}

const truthy = (v: string | undefined): boolean | undefined =>
  v === undefined ? undefined : !/^(0|false|no|off)$/i.test(v.trim());

export function parseLimit(raw: string | number | undefined): number | null {
  if (raw === undefined || raw === '') return null;
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new TypeError(`subsequence limit must be a non-negative integer, got '${raw}'`);
  return n < 1 ? null : n; // v2: values below 1 mean no limit
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
  };
}
