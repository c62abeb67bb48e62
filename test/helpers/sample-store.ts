// Test fixtures: real stores in temp directories, built by the real ingest from the bundled
// sample (data/sample), and apps built by the real buildApp over them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadSampleIfEmpty } from '../../src/cli/sample.js';
import { SequenceStore } from '../../src/store/sequence-store.js';
import type { ServerConfig } from '../../src/config.js';

/** Published test data (refget compliance sequences, seqcol test collections): see test/fixtures/README.md. */
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const SAMPLE = fileURLToPath(new URL('../../data/sample/', import.meta.url));

interface Teardown {
  teardown(fn: () => unknown): void;
}

export function tempDir(t: Teardown, prefix = 'refget-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A fresh store holding the bundled sample (refget compliance sequences + seqcol test collections). */
export async function sampleStore(t: Teardown): Promise<string> {
  const dir = join(tempDir(t), 'store');
  await loadSampleIfEmpty(dir);
  return dir;
}

export function testConfig(storeDir: string, overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    storeDir,
    circularSupported: true,
    subsequenceLimit: null,
    logLevel: 'silent',
    prettyLogs: false,
    maxListLimit: 100_000,
    maxBatchIds: 1000,
    ...overrides,
  };
}

/** buildApp over a store directory; closed (with its store) at teardown. */
export async function buildTestApp(
  t: Teardown,
  storeDir: string,
  overrides: Partial<ServerConfig> = {},
  storeOptions: Parameters<typeof SequenceStore.open>[1] = {},
): Promise<FastifyInstance> {
  const store = SequenceStore.open(storeDir, storeOptions);
  // No overload guard: test files do heavy synchronous work in the app's own process.
  const app = await buildApp({
    store,
    config: testConfig(storeDir, overrides),
    logger: false,
    closeStore: true,
    overload: false,
  });
  t.teardown(() => app.close());
  return app;
}
