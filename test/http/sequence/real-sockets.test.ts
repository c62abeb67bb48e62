// Every section of the GET /sequence/:id suite again, over real sockets to apps listening on
// 127.0.0.1 with the fast path on (the server production runs), with the same assertions.
import t from 'tap';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const sections = readdirSync(HERE).filter((f) => f.endsWith('.test.ts') && f !== 'real-sockets.test.ts');
t.ok(sections.length >= 6, `${sections.length} section files`);
t.jobs = 2; // the sections run side by side, as tap runs test files
for (const file of sections.sort()) {
  t.spawn(
    process.execPath,
    ['--import=tsx', `${HERE}${file}`],
    { env: { ...process.env, REFGET_TEST_VIA: 'socket' } },
    `${file} over real sockets`,
  );
}
