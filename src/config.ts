// Configuration: defaults, then environment, then CLI flags. The only module that reads
// process.env (lint enforces it): every other module takes its settings as arguments.

/** Where the store lives when neither --store nor REFGET_STORE says. */
export const DEFAULT_STORE = './data/store';

/** The store directory: the flag if given, else REFGET_STORE, else DEFAULT_STORE. */
export const storeDirFrom = (flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string =>
  flag ?? (env.REFGET_STORE?.trim() ? env.REFGET_STORE : undefined) ?? DEFAULT_STORE;

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
  /**
   * MiB of block buffers a worker's long downloads (bodies over 1 MiB) may hold at once; past it
   * a new long download is refused with 503 OVERLOADED (http/send-blocks.ts). Default 256.
   */
  readonly streamBudgetMb?: number | undefined;
  /** tokens file marking collections private (docs/serving.md); undefined = everything public */
  readonly tokensFile?: string | undefined;
  /** accept a tokens file that makes no collection private (otherwise serve refuses to start) */
  readonly allowAllPublic?: boolean | undefined;
  /** answer plain sequence and metadata GETs ahead of Fastify (http/fast-path.ts); undefined = on */
  readonly fastPath?: boolean | undefined;
  /**
   * Path prefix the server is reached under behind a reverse proxy that cannot send
   * X-Forwarded-Prefix ('' = none); see http/public-url.ts.
   */
  readonly basePath?: string | undefined;
  /**
   * Upstream refget servers a digest this store lacks is fetched from, in order (`--upstream`;
   * mirror/mirror.ts); empty = no mirroring.
   */
  readonly upstreams?: readonly string[] | undefined;
  /** longest wait for an upstream's response headers, and longest stall inside its body */
  readonly upstreamTimeoutMs?: number | undefined;
  /** how long an id no upstream has is answered 404 without asking them again */
  readonly upstreamNotFoundTtlMs?: number | undefined;
  /** upstream fetches running at once (the rest queue) */
  readonly upstreamConcurrency?: number | undefined;
  /** service-info's organization and environment */
  readonly organization?: { readonly name: string; readonly url: string } | undefined;
  readonly environment?: string | undefined;
}

export interface ConfigFlags {
  host?: string | undefined;
  port?: string | number | undefined;
  store?: string | undefined;
  circularSupported?: boolean | undefined;
  subsequenceLimit?: string | number | undefined;
  maxListLimit?: string | number | undefined;
  maxBatchIds?: string | number | undefined;
  streamBudgetMb?: string | number | undefined;
  tokensFile?: string | undefined;
  allowAllPublic?: boolean | undefined;
  fastPath?: boolean | undefined;
  basePath?: string | undefined;
  upstreams?: readonly string[] | undefined;
  upstreamTimeoutSeconds?: number | undefined;
  upstreamNotFoundTtlSeconds?: number | undefined;
  upstreamConcurrency?: number | undefined;
  logLevel?: string | undefined;
  prettyLogs?: boolean | undefined;
}

/** A setting that cannot be used (bad env value, port taken): the CLI prints it and exits 1, no stack. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * The value of a setting: the flag if given (commander has validated it), else the environment
 * variable parsed by `parse` (an empty variable counts as unset), else undefined. A bad
 * environment value becomes a ConfigError naming the variable.
 */
export function fromEnv<T>(name: string, raw: string | undefined, parse: (v: string) => T): T | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    return parse(raw.trim());
  } catch (err) {
    throw new ConfigError(`invalid ${name}=${JSON.stringify(raw)}: ${(err as Error).message}`);
  }
}

export function parseBoolean(raw: string): boolean {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new TypeError(`expected true/false, yes/no, on/off or 1/0, got '${raw}'`);
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export function parseLogLevel(raw: string): string {
  const level = raw.toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level))
    throw new TypeError(`log level must be one of ${LOG_LEVELS.join(', ')}, got '${raw}'`);
  return level;
}

export function parseLimit(raw: string | number | undefined): number | null {
  if (raw === undefined || raw === '') return null;
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new TypeError(`subsequence limit must be a non-negative integer, got '${raw}'`);
  return n < 1 ? null : n; // v2: values below 1 mean no limit
}

/**
 * A URL path prefix: '' or '/seg[/seg…]' of URL path characters (no '..', no trailing slash;
 * one trailing slash is dropped). It is written into HTML and headers, so nothing else passes.
 */
export function parseBasePath(raw: string): string {
  const path = raw.endsWith('/') ? raw.slice(0, -1) : raw;
  if (path === '') return '';
  if (!BASE_PATH.test(path) || path.split('/').some((seg) => seg === '.' || seg === '..') || path.length > 200) {
    throw new TypeError(`base path must look like /refget (letters, digits, - . _ ~ between slashes), got '${raw}'`);
  }
  return path;
}
const BASE_PATH = /^(?:\/[A-Za-z0-9._~-]+)+$/;

export const DEFAULT_UPSTREAM_TIMEOUT_SECONDS = 30;
export const DEFAULT_UPSTREAM_NOT_FOUND_TTL_SECONDS = 60;
export const DEFAULT_UPSTREAM_CONCURRENCY = 4;

/**
 * One upstream: an http(s) base URL of a refget server (`https://host/refget`), or a URL with
 * `%s` where an md5 goes (`https://www.ebi.ac.uk/ena/cram/md5/%s`). No credentials in it: the
 * URL is shown in service-info and logs.
 */
export function parseUpstream(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.replace('%s', 'x'));
  } catch {
    throw new TypeError(`upstream must be an http(s) URL, got '${raw}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`upstream must be an http(s) URL, got '${raw}'`);
  // Named by host only: the rest would echo the password.
  if (url.username !== '' || url.password !== '') throw new TypeError(`upstream URL must not carry credentials: '${url.host}'`);
  if (raw.split('%s').length > 2) throw new TypeError(`upstream URL may hold %s once, got '${raw}'`);
  return raw;
}

/** Checked URLs; an error names the setting but never quotes it whole (it could hold a password). */
function upstreamsSetting(urls: readonly string[] | undefined, setting: string): string[] | undefined {
  try {
    return urls?.map(parseUpstream);
  } catch (err) {
    throw new ConfigError(`invalid ${setting}: ${(err as Error).message}`);
  }
}

const envUpstreams = (env: NodeJS.ProcessEnv): string[] | undefined =>
  env.REFGET_UPSTREAMS?.trim() ? env.REFGET_UPSTREAMS.split(/[\s,]+/).filter((u) => u !== '') : undefined;

export function parseNonNegativeInt(raw: string | number, what: string): number {
  return raw === 0 || (typeof raw === 'string' && /^\s*0+\s*$/.test(raw)) ? 0 : parsePositiveInt(raw, what);
}

export const DEFAULT_MAX_LIST_LIMIT = 100_000;
export const DEFAULT_MAX_BATCH_IDS = 1000;
export const DEFAULT_STREAM_BUDGET_MB = 256;

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
  if (!Number.isInteger(n) || n < 0 || n > 65535 || (typeof raw === 'string' && !/^\s*[0-9]+\s*$/.test(raw))) {
    throw new TypeError(`port must be an integer from 0 to 65535, got '${raw}'`);
  }
  return n;
}

export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return {
    host: flags.host ?? fromEnv('HOST', env.HOST, (v) => v) ?? '127.0.0.1',
    port: parsePort(flags.port ?? fromEnv('PORT', env.PORT, parsePort) ?? 8080),
    storeDir: storeDirFrom(flags.store, env),
    circularSupported: flags.circularSupported ?? fromEnv('CIRCULAR_SUPPORTED', env.CIRCULAR_SUPPORTED, parseBoolean) ?? true,
    subsequenceLimit: parseLimit(
      flags.subsequenceLimit ?? fromEnv('SUBSEQUENCE_LIMIT', env.SUBSEQUENCE_LIMIT, parseLimit) ?? undefined,
    ),
    logLevel: flags.logLevel ?? fromEnv('LOG_LEVEL', env.LOG_LEVEL, parseLogLevel) ?? 'info',
    prettyLogs:
      (flags.prettyLogs ?? fromEnv('LOG_PRETTY', env.LOG_PRETTY, parseBoolean)) !== false && process.stdout.isTTY === true,
    maxListLimit: parsePositiveInt(
      flags.maxListLimit ??
        fromEnv('REFGET_MAX_LIST_LIMIT', env.REFGET_MAX_LIST_LIMIT, (v) => parsePositiveInt(v, 'max list limit')) ??
        DEFAULT_MAX_LIST_LIMIT,
      'max list limit',
    ),
    maxBatchIds: parsePositiveInt(
      flags.maxBatchIds ??
        fromEnv('REFGET_MAX_BATCH_IDS', env.REFGET_MAX_BATCH_IDS, (v) => parsePositiveInt(v, 'max batch ids')) ??
        DEFAULT_MAX_BATCH_IDS,
      'max batch ids',
    ),
    streamBudgetMb: parsePositiveInt(
      flags.streamBudgetMb ??
        fromEnv('REFGET_STREAM_BUDGET_MB', env.REFGET_STREAM_BUDGET_MB, (v) => parsePositiveInt(v, 'stream budget')) ??
        DEFAULT_STREAM_BUDGET_MB,
      'stream budget',
    ),
    tokensFile: flags.tokensFile ?? fromEnv('REFGET_TOKENS_FILE', env.REFGET_TOKENS_FILE, (v) => v),
    allowAllPublic:
      flags.allowAllPublic ?? fromEnv('REFGET_ALLOW_ALL_PUBLIC', env.REFGET_ALLOW_ALL_PUBLIC, parseBoolean) ?? false,
    fastPath: flags.fastPath ?? fromEnv('REFGET_FAST_PATH', env.REFGET_FAST_PATH, parseBoolean) ?? true,
    basePath: parseBasePath(flags.basePath ?? fromEnv('REFGET_BASE_PATH', env.REFGET_BASE_PATH, parseBasePath) ?? ''),
    upstreams: upstreamsSetting(flags.upstreams, '--upstream') ?? upstreamsSetting(envUpstreams(env), 'REFGET_UPSTREAMS') ?? [],
    upstreamTimeoutMs:
      1000 *
      (flags.upstreamTimeoutSeconds ??
        fromEnv('REFGET_UPSTREAM_TIMEOUT', env.REFGET_UPSTREAM_TIMEOUT, (v) => parsePositiveInt(v, 'upstream timeout')) ??
        DEFAULT_UPSTREAM_TIMEOUT_SECONDS),
    upstreamNotFoundTtlMs:
      1000 *
      (flags.upstreamNotFoundTtlSeconds ??
        fromEnv('REFGET_UPSTREAM_NOT_FOUND_TTL', env.REFGET_UPSTREAM_NOT_FOUND_TTL, (v) =>
          parseNonNegativeInt(v, 'upstream not-found TTL'),
        ) ??
        DEFAULT_UPSTREAM_NOT_FOUND_TTL_SECONDS),
    upstreamConcurrency:
      flags.upstreamConcurrency ??
      fromEnv('REFGET_UPSTREAM_CONCURRENCY', env.REFGET_UPSTREAM_CONCURRENCY, (v) =>
        parsePositiveInt(v, 'upstream concurrency'),
      ) ??
      DEFAULT_UPSTREAM_CONCURRENCY,
    organization: {
      name: fromEnv('REFGET_ORGANIZATION', env.REFGET_ORGANIZATION, (v) => v) ?? 'Self-hosted',
      url: fromEnv('REFGET_ORGANIZATION_URL', env.REFGET_ORGANIZATION_URL, (v) => v) ?? 'https://example.org',
    },
    environment: fromEnv('REFGET_ENVIRONMENT', env.REFGET_ENVIRONMENT, (v) => v) ?? 'prod',
  };
}

// The CLI's own settings from the environment (the server's are in loadConfig). Separate
// functions: a bad REFGET_WORKERS stops `serve`, not `ingest`.

/** REFGET_SAMPLE: load the bundled sample into an empty store before serving. */
export const sampleFromEnv = (env: NodeJS.ProcessEnv = process.env): boolean | undefined =>
  fromEnv('REFGET_SAMPLE', env.REFGET_SAMPLE, parseBoolean);

/** REFGET_WORKERS, checked by the CLI's own parser. */
export const workersFromEnv = (parse: (raw: string) => number, env: NodeJS.ProcessEnv = process.env): number | undefined =>
  fromEnv('REFGET_WORKERS', env.REFGET_WORKERS, parse);

/** REFGET_DEBUG=1: print the stack of an unexpected error. */
export const debugFromEnv = (env: NodeJS.ProcessEnv = process.env): boolean => env.REFGET_DEBUG === '1';

/** NODE_CLUSTER_SCHED_POLICY is set: Node's own choice of cluster scheduling stands. */
export const clusterPolicyFromEnv = (env: NodeJS.ProcessEnv = process.env): boolean =>
  env.NODE_CLUSTER_SCHED_POLICY !== undefined;

/**
 * Environment added for each server worker process. glibc's malloc serves allocations over its
 * mmap threshold (128 KiB to start) with mmap and returns them on free, but raises the threshold
 * to the size of every such block freed, after which a download's 256 KiB block buffers come
 * from the heap and stay in the process once freed: 300 slow downloads left a worker at 247 MB
 * ten seconds after they ended (from 90 MB), against 95 MB with the threshold fixed at 128 KiB.
 * Setting it fixes it. A value the operator set is kept.
 */
export const workerEnvFromEnv = (env: NodeJS.ProcessEnv = process.env): Record<string, string> =>
  env.MALLOC_MMAP_THRESHOLD_ === undefined ? { MALLOC_MMAP_THRESHOLD_: '131072' } : {};
