// Quick version: an in-process server with its timeouts shortened (headers 1 s, idle 1.5 s):
// slowloris connections get 408 and are closed, clients that never read a 24 Mbp response and
// idle connections are closed, memory stays bounded and normal requests keep being answered.
import t from 'tap';
import { runResourceLimits } from '../../scripts/reliability/lib/resource-limits.js';

t.test('slow and idle clients are cut by timeouts', async (t) => {
  const f = await runResourceLimits({ real: false, slowloris: 40, slowReaders: 8, idle: 300, seed: 3 });
  t.same(f.problems, []);
  t.equal(f.slowloris.got408, f.slowloris.opened, `every slowloris got 408 (cut within ${f.slowloris.maxMsToCut} ms)`);
  t.equal(f.slowReaders.cut, f.slowReaders.opened, `non-reading clients seen cut (checked at ${f.slowReaders.maxMsToCut} ms)`);
  t.equal(f.idle.cut, f.idle.opened, `idle connections cut within ${f.idle.maxMsToCut} ms`);
  t.ok(f.healthDuringAttack.ok > 0 && f.healthDuringAttack.failed === 0, 'normal requests answered meanwhile');
  t.ok(f.rssMb.peak - f.rssMb.before < 300, `RSS ${f.rssMb.before} → peak ${f.rssMb.peak} → ${f.rssMb.after} MB`);
});
