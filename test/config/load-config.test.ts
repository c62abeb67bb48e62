// loadConfig and the CLI's environment readers take the environment as an argument: the values
// come from the env given (never from process.env behind its back), flags win, and a bad value
// names its variable.
import t from 'tap';
import {
  ConfigError,
  DEFAULT_STORE,
  loadConfig,
  sampleFromEnv,
  storeDirFrom,
  workersFromEnv,
  debugFromEnv,
  clusterPolicyFromEnv,
  workerEnvFromEnv,
} from '../../src/config.js';

t.test('the store directory: flag, else REFGET_STORE of the env given, else the default', async (t) => {
  t.equal(loadConfig({}, { REFGET_STORE: '/srv/refget' }).storeDir, '/srv/refget', 'from the env argument');
  t.equal(loadConfig({ store: '/flag' }, { REFGET_STORE: '/srv/refget' }).storeDir, '/flag', 'the flag wins');
  t.equal(loadConfig({}, {}).storeDir, DEFAULT_STORE, 'default');
  t.equal(loadConfig({}, { REFGET_STORE: '  ' }).storeDir, DEFAULT_STORE, 'an empty variable counts as unset');
  t.equal(storeDirFrom(undefined, { REFGET_STORE: '/x' }), '/x');
});

t.test('every setting reads the env argument', async (t) => {
  const c = loadConfig(
    {},
    {
      HOST: '0.0.0.0',
      PORT: '9000',
      CIRCULAR_SUPPORTED: 'false',
      SUBSEQUENCE_LIMIT: '5000',
      LOG_LEVEL: 'WARN',
      REFGET_MAX_LIST_LIMIT: '10',
      REFGET_MAX_BATCH_IDS: '7',
      REFGET_STREAM_BUDGET_MB: '64',
      REFGET_TOKENS_FILE: '/etc/refget/tokens',
      REFGET_ALLOW_ALL_PUBLIC: 'yes',
      REFGET_FAST_PATH: 'off',
      REFGET_ORGANIZATION: 'Lab',
      REFGET_ORGANIZATION_URL: 'https://lab.example',
      REFGET_ENVIRONMENT: 'test',
    },
  );
  t.match(c, {
    host: '0.0.0.0',
    port: 9000,
    circularSupported: false,
    subsequenceLimit: 5000,
    logLevel: 'warn',
    maxListLimit: 10,
    maxBatchIds: 7,
    streamBudgetMb: 64,
    tokensFile: '/etc/refget/tokens',
    allowAllPublic: true,
    fastPath: false,
    organization: { name: 'Lab', url: 'https://lab.example' },
    environment: 'test',
  });
});

t.test('a bad value names its variable (ConfigError), and flags beat the environment', async (t) => {
  t.throws(() => loadConfig({}, { PORT: 'eighty' }), ConfigError);
  t.throws(() => loadConfig({}, { PORT: 'eighty' }), /invalid PORT="eighty"/);
  t.throws(() => loadConfig({}, { CIRCULAR_SUPPORTED: 'maybe' }), /invalid CIRCULAR_SUPPORTED/);
  t.equal(loadConfig({ port: 81 }, { PORT: '9000' }).port, 81);
});

t.test("the CLI's own variables", async (t) => {
  t.equal(sampleFromEnv({ REFGET_SAMPLE: 'true' }), true);
  t.equal(sampleFromEnv({}), undefined);
  t.throws(() => sampleFromEnv({ REFGET_SAMPLE: 'sure' }), /invalid REFGET_SAMPLE/);
  const parse = (v: string): number => {
    if (!/^[0-9]+$/.test(v)) throw new TypeError('not a count');
    return Number(v);
  };
  t.equal(workersFromEnv(parse, { REFGET_WORKERS: '3' }), 3);
  t.throws(() => workersFromEnv(parse, { REFGET_WORKERS: 'lots' }), /invalid REFGET_WORKERS="lots": not a count/);
  t.equal(debugFromEnv({ REFGET_DEBUG: '1' }), true);
  t.equal(debugFromEnv({}), false);
  t.equal(clusterPolicyFromEnv({ NODE_CLUSTER_SCHED_POLICY: 'none' }), true);
  t.equal(clusterPolicyFromEnv({}), false);
  // Workers get glibc's mmap threshold fixed, unless the operator chose a value.
  t.strictSame(workerEnvFromEnv({}), { MALLOC_MMAP_THRESHOLD_: '131072' });
  t.strictSame(workerEnvFromEnv({ MALLOC_MMAP_THRESHOLD_: '65536' }), {});
});

t.test('upstreams: flags or REFGET_UPSTREAMS, checked; timeouts and TTLs', async (t) => {
  const env = {
    REFGET_UPSTREAMS: 'https://a.example.org/refget, http://b.example.org:8080  https://c.example.org/cram/md5/%s',
    REFGET_UPSTREAM_TIMEOUT: '5',
    REFGET_UPSTREAM_NOT_FOUND_TTL: '0',
    REFGET_UPSTREAM_CONCURRENCY: '2',
  };
  const c = loadConfig({}, env);
  t.same(c.upstreams, ['https://a.example.org/refget', 'http://b.example.org:8080', 'https://c.example.org/cram/md5/%s']);
  t.same([c.upstreamTimeoutMs, c.upstreamNotFoundTtlMs, c.upstreamConcurrency], [5000, 0, 2]);
  t.same(loadConfig({ upstreams: ['http://flag.example.org'] }, env).upstreams, ['http://flag.example.org'], 'flags win');
  const defaults = loadConfig({}, {});
  t.same(
    [defaults.upstreams, defaults.upstreamTimeoutMs, defaults.upstreamNotFoundTtlMs, defaults.upstreamConcurrency],
    [[], 30_000, 60_000, 4],
  );
  for (const [bad, message] of [
    [{ REFGET_UPSTREAMS: 'ftp://x.example.org' }, /REFGET_UPSTREAMS.*http\(s\) URL/],
    [{ REFGET_UPSTREAMS: 'not a url' }, /REFGET_UPSTREAMS/],
    [{ REFGET_UPSTREAMS: 'https://x.example.org/%s/%s' }, /%s once/],
    [{ REFGET_UPSTREAM_TIMEOUT: '0' }, /REFGET_UPSTREAM_TIMEOUT/],
    [{ REFGET_UPSTREAM_NOT_FOUND_TTL: '-1' }, /REFGET_UPSTREAM_NOT_FOUND_TTL/],
    [{ REFGET_UPSTREAM_CONCURRENCY: 'lots' }, /REFGET_UPSTREAM_CONCURRENCY/],
  ] as const) {
    t.throws(() => loadConfig({}, bad), { name: 'ConfigError', message }, JSON.stringify(bad));
  }
  t.throws(() => loadConfig({}, { REFGET_UPSTREAMS: 'https://user:pw@x.example.org/' }), {
    name: 'ConfigError',
    message: /^invalid REFGET_UPSTREAMS: upstream URL must not carry credentials: 'x\.example\.org'$/,
  });
  t.throws(() => loadConfig({ upstreams: ['https://user:pw@x.example.org/'] }, {}), {
    name: 'ConfigError',
    message: /invalid --upstream: upstream URL must not carry credentials: 'x\.example\.org'/,
  });
});
