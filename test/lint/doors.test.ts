// The doors between folders hold: each probe below crosses one and `npm run lint` must refuse it
// (eslint.config.js). Linted as text at a path inside the folder, so no file is written.
import t from 'tap';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

async function problems(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}/${path}` });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? ''}: ${m.message}`);
}

const CASES: { path: string; code: string; rule: string; why: string }[] = [
  {
    path: 'src/http/probe.ts',
    code: "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
    rule: 'no-restricted-imports',
    why: 'http reads no files',
  },
  {
    path: 'src/http/probe.ts',
    code: "import { readFile } from 'fs/promises';\nexport const x = readFile;\n",
    rule: 'no-restricted-imports',
    why: 'http reads no files (promises API)',
  },
  {
    path: 'src/http/probe.ts',
    code: "import Database from 'better-sqlite3';\nexport const x = Database;\n",
    rule: 'no-restricted-imports',
    why: 'http runs no SQL',
  },
  {
    path: 'src/http/routes/probe.ts',
    code: "import { PackWriter } from '../../store/pack/pack-writer.js';\nexport const x = PackWriter;\n",
    rule: 'import-x/no-restricted-paths',
    why: 'http does not reach into store internals',
  },
  {
    path: 'src/http/probe.ts',
    code: "import { openIndexDb } from '../store/index/database.js';\nexport const x = openIndexDb;\n",
    rule: 'import-x/no-restricted-paths',
    why: 'http does not open the index',
  },
  {
    path: 'src/store/probe.ts',
    code: "import fastify from 'fastify';\nexport const x = fastify;\n",
    rule: 'no-restricted-imports',
    why: 'store knows no Fastify',
  },
  {
    path: 'src/store/probe.ts',
    code: "import { sendJson } from '../http/json.js';\nexport const x = sendJson;\n",
    rule: 'import-x/no-restricted-paths',
    why: 'store imports no http',
  },
  {
    path: 'src/checksum/probe.ts',
    code: "import { SequenceStore } from '../store/sequence-store.js';\nexport const x = SequenceStore;\n",
    rule: 'import-x/no-restricted-paths',
    why: 'checksum is a leaf',
  },
  {
    path: 'src/fasta/probe.ts',
    code: "import { md5Hex } from '../checksum/digests.js';\nexport const x = md5Hex;\n",
    rule: 'import-x/no-restricted-paths',
    why: 'fasta is a leaf',
  },
  {
    path: 'src/config.ts',
    code: "import { SAMPLE_DIR } from './cli/sample.js';\nexport const x = SAMPLE_DIR;\n",
    rule: 'import-x/no-restricted-paths',
    why: 'nothing imports the CLI',
  },
  {
    path: 'src/store/probe.ts',
    code: "import { SAMPLE_DIR } from '../cli/sample.js';\nexport const x = SAMPLE_DIR;\n",
    rule: 'import-x/no-restricted-paths',
    why: 'nothing imports the CLI',
  },
  {
    path: 'src/http/probe.ts',
    code: 'export const x = process.env.HOME;\n',
    rule: 'no-restricted-properties',
    why: 'only config.ts reads the environment',
  },
  {
    path: 'src/cli/probe.ts',
    code: "import Database from 'better-sqlite3';\nexport const x = Database;\n",
    rule: 'no-restricted-imports',
    why: 'the CLI asks the store',
  },
];

for (const c of CASES) {
  t.test(`${c.path}: ${c.why}`, async (t) => {
    const found = await problems(c.path, c.code);
    t.ok(
      found.some((p) => p.startsWith(`${c.rule}:`)),
      `${c.rule} reported; got ${JSON.stringify(found)}`,
    );
  });
}

t.test('imports that respect the doors pass', async (t) => {
  t.same(
    await problems(
      'src/http/probe.ts',
      "import type { SequenceStore } from '../store/sequence-store.js';\nexport type X = SequenceStore;\n",
    ),
    [],
  );
  t.same(
    await problems(
      'src/cli/probe.ts',
      "import { SequenceStore } from '../store/sequence-store.js';\nexport const x = SequenceStore;\n",
    ),
    [],
  );
  t.same(
    await problems(
      'src/checksum/probe.ts',
      "import { AppError } from '../errors.js';\nimport { createHash } from 'node:crypto';\nexport const x = [AppError, createHash];\n",
    ),
    [],
  );
});
