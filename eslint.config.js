// Lint: typescript-eslint's recommended rules, plus the doors between folders (CONTRIBUTING.md).
// A door is enforced here, not by hope: an import that crosses one fails `npm run lint`.
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/** A zone: files under `target` may not import from `from` (except `except`, relative to `from`). */
const zone = (target, from, message, except) => ({ target, from, message, ...(except ? { except } : {}) });

const leaf = (dir) =>
  zone(dir, './src', `${dir} is a leaf: it imports only its own folder, src/errors.ts and src/wasm`, [
    ...new Set([`./${dir.slice('./src/'.length)}`, './errors.ts', './wasm']),
  ]);

const fsModules = ['fs', 'node:fs', 'fs/promises', 'node:fs/promises'].map((name) => ({
  name,
  message: 'src/http never touches files: read through the store (src/store)',
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/out/**', '**/*.wasm'] },
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'import-x/no-unresolved': 'error',
      'import-x/no-cycle': 'off',
      'import-x/no-default-export': 'off',
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'settings come from src/config.ts (loadConfig, cliEnv): read the environment there only',
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            // Nothing below the CLI imports it; the CLI is the top.
            zone(['./src/*.ts', './src/!(cli)/**'], './src/cli', 'src/cli is the top layer: nothing else imports it'),
            // The HTTP layer: routes, Accept, Range. No files, no SQL, no store internals.
            zone('./src/http', './src/store/index', 'src/http reads through the SequenceStore API, not SQLite'),
            zone('./src/http', './src/store/pack', 'src/http reads through the SequenceStore API, not pack files'),
            zone('./src/http', './src/store/codec', 'src/http reads through the SequenceStore API, not codecs'),
            zone('./src/http', './src/ingest', 'src/http serves; it does not ingest'),
            // The store knows files, bytes, SQLite and codecs; never HTTP.
            zone('./src/store', './src/http', 'src/store never imports the HTTP layer'),
            zone('./src/store', './src/app.ts', 'src/store never imports the HTTP layer'),
            zone('./src/store', './src/server.ts', 'src/store never imports the HTTP layer'),
            zone('./src/store', './src/ingest', 'src/store is below ingest'),
            zone('./src/store', './src/config.ts', 'src/store takes its settings as arguments'),
            zone('./src/ingest', './src/http', 'ingest never imports the HTTP layer'),
            zone('./src/seqcol', './src/store', 'src/seqcol is pure: no store'),
            zone('./src/seqcol', './src/http', 'src/seqcol is pure: no HTTP'),
            leaf('./src/checksum'),
            leaf('./src/fasta'),
            leaf('./src/wasm'),
          ],
        },
      ],
    },
  },
  {
    files: ['src/http/**/*.ts', 'src/app.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...fsModules, { name: 'better-sqlite3', message: 'src/http never runs SQL: ask the store' }],
        },
      ],
    },
  },
  {
    files: ['src/store/**/*.ts', 'src/checksum/**/*.ts', 'src/fasta/**/*.ts', 'src/seqcol/**/*.ts', 'src/ingest/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['fastify', '@fastify/*', 'fastify-*'], message: 'only src/http and src/app.ts know Fastify' }],
        },
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'better-sqlite3', message: 'the CLI asks the store; SQL lives in src/store' }],
        },
      ],
    },
  },
  {
    // Tests, benchmarks and scripts drive the product from outside; they may read the environment.
    files: ['src/config.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'scripts/**/*.mjs', '*.js'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
