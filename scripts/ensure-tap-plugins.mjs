// tap builds its plugin set (here: without @tapjs/typescript, tests load through tsx) on its first
// run but uses the default set for that run, so a fresh clone's first `npm test` would fail.
// Build it up front when it is missing.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

if (!existsSync('.tap/plugins/package.json')) {
  const r = spawnSync('npx', ['tap', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  process.exit(r.status ?? 1);
}
