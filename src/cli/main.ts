#!/usr/bin/env node
// The `refget` command line: ingest, pull, list, verify, migrate, digest, export-ref-cache, serve. Owns
// exit codes: 0 success, 1 any failure (bad input, a damaged store, failed verification), each
// reported in one line on stderr.
import { Command, Option, InvalidArgumentError } from 'commander';
import { isAppError, storeErrorOf } from '../errors.js';
import {
  loadConfig,
  parseLimit,
  parsePort,
  parsePositiveInt,
  parseBasePath,
  parseLogLevel,
  parseNonNegativeInt,
  parseUpstream,
  ConfigError,
  LOG_LEVELS,
  storeDirFrom,
  DEFAULT_STORE,
  sampleFromEnv,
  workersFromEnv,
  debugFromEnv,
} from '../config.js';
import { availableParallelism } from 'node:os';
// Each command's modules are imported when it runs, not here: start-up is part of every command's
// time (all of them loaded up front took ~90 ms before `ingest` could start; a 250 Mbp ingest
// takes ~1.1 s), and `ingest` needs none of the reader, listing or server code.

function parseWorkers(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new TypeError(`workers must be an integer from 1 to 1024, got '${raw}'`);
  return n;
}

const storeOption = (): Option => new Option('-s, --store <dir>', `store directory (env REFGET_STORE, default ${DEFAULT_STORE})`);
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const asNumber =
  (what: string) =>
  (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${what} must be a non-negative number`);
    return n;
  };
const wrapTypeError =
  <T>(fn: (v: string) => T) =>
  (v: string): T => {
    try {
      return fn(v);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  };

const program = new Command('refget')
  .description('Self-hosted GA4GH refget (v1.0.1 + v2.0.0) and sequence collections server')
  .showHelpAfterError();

program
  .command('ingest')
  .description('Add FASTA files (plain, gzip or bgzip; "-" for stdin) to the store, atomically')
  .argument('<files...>', 'FASTA files')
  .addOption(storeOption())
  .option('-n, --naming-authority <name>', 'store each record name as an alias under this authority (e.g. ucsc, insdc)')
  .option('-a, --aliases <file>', 'more aliases: TSV name<TAB>naming_authority<TAB>alias, or an NCBI *_assembly_report.txt')
  .option('-c, --circular <name>', 'mark this record (name, md5 or SQ. id) circular; repeatable', collect)
  .option(
    '--collection-name <name>',
    "a human name for the file's collection (e.g. GRCh38); one input file only; refused if another collection has it",
  )
  .option(
    '--reassign-name',
    'move --collection-name from the collection that has it to this one (a tokens file entry for the name then covers both)',
  )
  .option('--wait <seconds>', 'how long to wait for another ingest to finish', asNumber('--wait'), 10)
  .option('--no-progress', 'no progress line on stderr')
  .addHelpText(
    'after',
    `
Prints a JSON summary on stdout. A malformed input names file, line and cause, exits 1, and
leaves the store exactly as it was. Examples:
  refget ingest --store ./data/store --naming-authority ucsc genome.fa.gz
  refget ingest --aliases aliases.tsv --circular NC_001422.1 phix.fa`,
  )
  .action(
    async (
      files: string[],
      opts: {
        store?: string;
        namingAuthority?: string;
        aliases?: string;
        circular?: string[];
        collectionName?: string;
        reassignName?: boolean;
        wait: number;
        progress: boolean;
      },
    ) => {
      const { runIngest } = await import('./ingest-command.js');
      const summary = await runIngest(files, {
        store: storeDirFrom(opts.store),
        namingAuthority: opts.namingAuthority,
        aliases: opts.aliases,
        circular: opts.circular,
        collectionName: opts.collectionName,
        reassignName: opts.reassignName,
        wait: opts.wait,
        progress: opts.progress && process.stderr.isTTY === true,
      });
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    },
  );

program
  .command('pull')
  .description('Copy whole sequence collections from a seqcol server, every sequence verified; resumable')
  .argument('<digests...>', 'seqcol digests (level 0) of the collections to copy')
  .requiredOption('--from <url>', 'base URL of the seqcol/refget server (e.g. https://host/refget)')
  .addOption(storeOption())
  .option('--name <name>', 'a human name for the collection (one digest only)')
  .addOption(
    new Option('--timeout <seconds>', 'longest wait for the server to answer or to send more of a body (default 30)').argParser(
      wrapTypeError((v) => parsePositiveInt(v, '--timeout')),
    ),
  )
  .option('--no-progress', 'no progress lines on stderr')
  .addHelpText(
    'after',
    `
Fetches each collection's level 2 and checks its digest, then every sequence the store lacks
(each checked against its ga4gh digest and length, and committed on its own), then stores the
collection with the same names, order and digest. Interrupted, it keeps what it verified: run it
again to fetch only what is missing. Prints a JSON summary on stdout; exit 1 on any failure.
  refget pull --from https://refget.example.org --store ./data/store XZlrcEGi6mlopZ2uD8ObHkQB1d0oDwKk`,
  )
  .action(
    async (digests: string[], opts: { from: string; store?: string; name?: string; timeout?: number; progress: boolean }) => {
      const { pullCollections } = await import('../mirror/pull.js');
      const { MAX_BASES } = await import('../mirror/mirror.js');
      const timeoutMs = (opts.timeout ?? 30) * 1000;
      let from: string;
      try {
        from = parseUpstream(opts.from);
      } catch (err) {
        throw new ConfigError(`invalid --from: ${(err as Error).message}`);
      }
      if (from.includes('%s')) throw new ConfigError('invalid --from: a seqcol server is a base URL, without %s');
      const summary = await pullCollections(digests, {
        from,
        storeDir: storeDirFrom(opts.store),
        name: opts.name,
        headersTimeoutMs: timeoutMs,
        idleTimeoutMs: timeoutMs,
        maxBases: MAX_BASES,
        maxLevel2Bytes: 1 << 30,
        onProgress: opts.progress ? (line) => process.stderr.write(`${line}\n`) : undefined,
      });
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    },
  );

program
  .command('list')
  .description('List stored sequences as TSV: names, length, md5, ga4gh, circular')
  .addOption(storeOption())
  .action(async (opts: { store?: string }) => {
    const { runList } = await import('./list-command.js');
    runList(storeDirFrom(opts.store), process.stdout);
  });

program
  .command('verify')
  .description('Check the index and every stored sequence; exit 1 naming each damaged one')
  .addOption(storeOption())
  .option('--quick', 'check block checksums only (reads every byte, decodes and re-digests nothing)')
  .addHelpText(
    'after',
    `
Checks SQLite's integrity of the index, each sequence row (its checksum; the md5 and ga4gh
indexes lead back to it), that each pack holds its sequences' bytes, each block checksum, and
(without --quick) that the bases still have the sequence's md5 and ga4gh digests. Prints one
DAMAGED line per damaged sequence and one INDEX line per index problem on stderr, a JSON summary
on stdout, and exits 1 if anything is damaged.`,
  )
  .action(async (opts: { store?: string; quick?: boolean }) => {
    const { runVerify } = await import('./verify-command.js');
    const report = await runVerify(storeDirFrom(opts.store), {
      quick: opts.quick === true,
      onProblem: (p) => process.stderr.write(`DAMAGED ${p.sequence} (${p.names.join(', ') || 'no name'}): ${p.problem}\n`),
      onIndexProblem: (line) => process.stderr.write(`INDEX ${line}\n`),
    });
    process.stdout.write(
      `${JSON.stringify({
        sequences: report.sequences,
        bases: report.bases,
        damaged: report.problems.length,
        indexProblems: report.indexProblems.length,
        seconds: report.seconds,
      })}\n`,
    );
    if (report.problems.length > 0 || report.indexProblems.length > 0) process.exitCode = 1;
  });

program
  .command('migrate')
  .description("Upgrade a store written by an older release to this release's format")
  .addOption(storeOption())
  .addHelpText(
    'after',
    `
Runs in one transaction: on any failure the store is left as it was. The upgrade re-reads and
re-digests every sequence before it records block checksums for it, and refuses a store holding
a damaged sequence (restore it from a backup). 'refget ingest' upgrades a store by itself; the
server opens stores read-only and asks for this command instead.`,
  )
  .action(async (opts: { store?: string }) => {
    const { runMigrate } = await import('./migrate-command.js');
    process.stdout.write(`${JSON.stringify(runMigrate(storeDirFrom(opts.store)))}\n`);
  });

program
  .command('digest')
  .description('Print the sequence-collection (seqcol) digest of a FASTA file without ingesting it')
  .argument('<file>', 'FASTA file (plain, gzip or bgzip; "-" for stdin)')
  .addOption(new Option('--level <n>', 'level 0 (the digest) or 1 (JSON of attribute digests)').choices(['0', '1']).default('0'))
  .action(async (file: string, opts: { level: string }) => {
    const { runDigest } = await import('./digest-command.js');
    process.stdout.write(`${await runDigest(file, Number(opts.level) as 0 | 1)}\n`);
  });

program
  .command('export-ref-cache')
  .description('Write every stored sequence in the samtools REF_CACHE layout (DIR/%2s/%2s/%s) for offline CRAM work')
  .argument('<dir>', 'cache directory (created if missing)')
  .addOption(storeOption())
  .addHelpText(
    'after',
    `
Each file is named by its md5 and holds the upper-case sequence with no newline. Files already
present with the right size are skipped; new ones appear atomically (temp file + rename).
Prints a JSON summary. Then: REF_CACHE=DIR/%2s/%2s/%s REF_PATH=: samtools view reads.cram`,
  )
  .action(async (dir: string, opts: { store?: string }) => {
    const { runExportRefCache } = await import('./export-ref-cache.js');
    process.stdout.write(`${JSON.stringify(await runExportRefCache(storeDirFrom(opts.store), dir))}\n`);
  });

program
  .command('serve')
  .description('Serve the store over HTTP (refget v1.0.1 + v2.0.0, seqcol v1.0.0)')
  .addOption(storeOption())
  .addOption(new Option('-p, --port <port>', 'port (env PORT, default 8080)').argParser(wrapTypeError(parsePort)))
  .addOption(new Option('-H, --host <host>', 'address to bind (env HOST, default 127.0.0.1)'))
  .option('--circular-supported', 'advertise and serve circular wraps (default; env CIRCULAR_SUPPORTED)')
  .option('--no-circular-supported', 'answer start > end with 501, as a server without circular support')
  .addOption(
    new Option(
      '--subsequence-limit <bases>',
      'longest start/end or Range result (env SUBSEQUENCE_LIMIT; default none)',
    ).argParser(wrapTypeError(parseLimit)),
  )
  .addOption(
    new Option(
      '--max-list-limit <rows>',
      'largest limit= of a discovery listing (env REFGET_MAX_LIST_LIMIT; default 100000)',
    ).argParser(wrapTypeError((v) => parsePositiveInt(v, '--max-list-limit'))),
  )
  .addOption(
    new Option('--max-batch-ids <n>', 'most ids per POST /sequence/metadata (env REFGET_MAX_BATCH_IDS; default 1000)').argParser(
      wrapTypeError((v) => parsePositiveInt(v, '--max-batch-ids')),
    ),
  )
  .addOption(
    new Option(
      '--stream-budget-mb <n>',
      'MiB of buffers all long downloads of a worker may hold; past it new ones get 503 (env REFGET_STREAM_BUDGET_MB; default 256)',
    ).argParser(wrapTypeError((v) => parsePositiveInt(v, '--stream-budget-mb'))),
  )
  .addOption(
    new Option('--log-level <level>', `${LOG_LEVELS.join('|')} (env LOG_LEVEL; default info)`).argParser(
      wrapTypeError(parseLogLevel),
    ),
  )
  .option('--pretty-logs', 'human-readable logs when stdout is a terminal (default; env LOG_PRETTY)')
  .option('--no-pretty-logs', 'JSON logs even on a terminal')
  .option(
    '--tokens-file <file>',
    'private collections: token<TAB>collection[,…] or * per line; mode 600 or 640 (env REFGET_TOKENS_FILE; docs/serving.md)',
  )
  .option(
    '--allow-all-public',
    'accept a tokens file that makes no collection private (env REFGET_ALLOW_ALL_PUBLIC; refused otherwise)',
  )
  .option(
    '--no-fast-path',
    'answer every request through Fastify, none on the fast path (env REFGET_FAST_PATH=false; docs/serving.md)',
  )
  .addOption(
    new Option(
      '--base-path <path>',
      'path prefix the server is reached under behind a proxy that sends no X-Forwarded-Prefix, e.g. /refget (env REFGET_BASE_PATH; docs/clients.md)',
    ).argParser(wrapTypeError(parseBasePath)),
  )
  .option('--sample', 'load the bundled sample into the store first if it is empty (what npm start does; env REFGET_SAMPLE)')
  .addOption(
    new Option(
      '--upstream <url>',
      'mirror this refget server: a digest the store lacks is fetched, verified and stored; repeatable, tried in order (env REFGET_UPSTREAMS; docs/mirror.md)',
      // Checked by loadConfig, not here: commander would echo the argument, password and all.
    ).argParser((v: string, previous: string[] | undefined) => [...(previous ?? []), v]),
  )
  .addOption(
    new Option(
      '--upstream-timeout <seconds>',
      'longest wait for an upstream to answer or to send more of a body (env REFGET_UPSTREAM_TIMEOUT; default 30)',
    ).argParser(wrapTypeError((v) => parsePositiveInt(v, '--upstream-timeout'))),
  )
  .addOption(
    new Option(
      '--upstream-not-found-ttl <seconds>',
      'how long an id no upstream has is answered 404 without asking again (env REFGET_UPSTREAM_NOT_FOUND_TTL; default 60)',
    ).argParser(wrapTypeError((v) => parseNonNegativeInt(v, '--upstream-not-found-ttl'))),
  )
  .addOption(
    new Option(
      '--upstream-concurrency <n>',
      'upstream fetches at once; more misses queue (env REFGET_UPSTREAM_CONCURRENCY; default 4)',
    ).argParser(wrapTypeError((v) => parsePositiveInt(v, '--upstream-concurrency'))),
  )
  .addOption(
    new Option(
      '-w, --workers <n>',
      'server processes sharing the port (env REFGET_WORKERS; default: the number of cores)',
    ).argParser(wrapTypeError(parseWorkers)),
  )
  .addHelpText(
    'after',
    `
Every setting can also come from its environment variable; a flag wins over the variable, and a
bad value of either stops the server at start with a message (exit 1). Logs are JSON unless
stdout is a terminal. Also read from the environment: REFGET_ORGANIZATION,
REFGET_ORGANIZATION_URL, REFGET_ENVIRONMENT (service-info). Operations endpoints: /healthz,
/readyz, /metrics (Prometheus).`,
  )
  .action(
    async (opts: {
      store?: string;
      port?: number;
      host?: string;
      circularSupported?: boolean;
      subsequenceLimit?: number | null;
      maxListLimit?: number;
      maxBatchIds?: number;
      streamBudgetMb?: number;
      logLevel?: string;
      prettyLogs?: boolean;
      tokensFile?: string;
      allowAllPublic?: boolean;
      fastPath?: boolean;
      basePath?: string;
      sample?: boolean;
      workers?: number;
      upstream?: string[];
      upstreamTimeout?: number;
      upstreamNotFoundTtl?: number;
      upstreamConcurrency?: number;
    }) => {
      const config = loadConfig({
        store: storeDirFrom(opts.store),
        port: opts.port,
        host: opts.host,
        circularSupported: opts.circularSupported,
        subsequenceLimit: opts.subsequenceLimit ?? undefined,
        maxListLimit: opts.maxListLimit,
        maxBatchIds: opts.maxBatchIds,
        streamBudgetMb: opts.streamBudgetMb,
        logLevel: opts.logLevel,
        prettyLogs: opts.prettyLogs,
        tokensFile: opts.tokensFile,
        allowAllPublic: opts.allowAllPublic,
        // commander sets fastPath to true unless --no-fast-path is given: only `false` is a choice.
        fastPath: opts.fastPath === false ? false : undefined,
        basePath: opts.basePath,
        upstreams: opts.upstream,
        upstreamTimeoutSeconds: opts.upstreamTimeout,
        upstreamNotFoundTtlSeconds: opts.upstreamNotFoundTtl,
        upstreamConcurrency: opts.upstreamConcurrency,
      });
      const mirroring = (config.upstreams ?? []).length > 0;
      const sample = opts.sample ?? sampleFromEnv() ?? false;
      const { default: cluster } = await import('node:cluster');
      if (sample && cluster.isPrimary) {
        const { loadSampleIfEmpty } = await import('./sample.js');
        const loaded = await loadSampleIfEmpty(config.storeDir);
        if (loaded)
          process.stderr.write(`loaded the bundled sample into ${config.storeDir}: ${loaded.sequencesAdded} sequences\n`);
      }
      if (mirroring && cluster.isPrimary) {
        // A mirror may start empty: it creates its store, and needs to write to it.
        const { prepareMirrorStore } = await import('../mirror/mirror.js');
        prepareMirrorStore(config.storeDir);
      }
      if (cluster.isPrimary) {
        // The store (missing, damaged, an older format) and the tokens file are checked once here,
        // so a problem stops `serve` with its message instead of every worker failing in turn.
        const { SequenceStore } = await import('../store/sequence-store.js');
        const store = SequenceStore.open(config.storeDir);
        try {
          if (config.tokensFile !== undefined) {
            const { loadTokens } = await import('../http/access.js');
            loadTokens(store, config.tokensFile, { allowAllPublic: config.allowAllPublic });
          }
        } finally {
          store.close();
        }
      }
      const workers = opts.workers ?? workersFromEnv(parseWorkers) ?? availableParallelism();
      // Loaded here, not at the top: `ingest` and the other commands need none of the server stack
      // (Fastify, its plugins, prom-client).
      const { runClustered } = await import('./cluster.js');
      const { startServer } = await import('../server.js');
      const log = (m: string): void => {
        process.stderr.write(`refget: ${m}\n`);
      };
      const mirrorModule = mirroring ? await import('../mirror/mirror.js') : undefined;
      const clusterMirror = mirroring ? await import('../mirror/cluster-mirror.js') : undefined;
      await runClustered({
        workers,
        // With workers, the primary runs the one mirror and the workers ask it (mirror/cluster-mirror.ts).
        onPrimary: () => {
          if (mirrorModule && clusterMirror) clusterMirror.serveMirrorToWorkers(mirrorModule.mirrorFromConfig(config), log);
        },
        runWorker: () =>
          startServer(
            config,
            !mirrorModule || !clusterMirror
              ? undefined
              : cluster.isWorker
                ? new clusterMirror.RemoteMirror(config.upstreams ?? [])
                : mirrorModule.mirrorFromConfig(config),
          ),
        log,
      });
    },
  );

// `refget list | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`refget: ${cliErrorLine(err)}\n`);
  process.exit(1);
});

/**
 * Every failure is one line (exit 1). A damaged index is named as such; a system error gives its
 * code and path; anything else is a bug, whose stack is printed only with REFGET_DEBUG=1.
 */
function cliErrorLine(err: unknown): string {
  const known = storeErrorOf(err);
  if (isAppError(known) || known instanceof ConfigError) return known.message;
  const e = known as (Error & { code?: unknown; path?: unknown }) | undefined;
  if (typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code)) return `${e.message}`;
  if (debugFromEnv()) return `unexpected error: ${e?.stack ?? String(err)}`;
  return `unexpected error: ${(e?.message ?? String(err)).split('\n')[0]} (set REFGET_DEBUG=1 for details)`;
}
