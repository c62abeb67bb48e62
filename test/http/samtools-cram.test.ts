// The real refget client: samtools/htslib decodes a CRAM whose reference it can only get from
// our server (an empty REF_CACHE, no local FASTA), through both URL forms htslib configurations
// use: REF_PATH=http://127.0.0.1:PORT/sequence/%s and the ENA registry's …/cram/md5/%s.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildTestApp, sampleStore, tempDir } from '../helpers/sample-store.js';
import { cramOnChrI, hasSamtools, samtoolsView } from '../helpers/cram.js';

for (const template of ['/sequence/%s', '/cram/md5/%s']) {
  t.test(
    `samtools view decodes a CRAM against the server (REF_PATH …${template})`,
    { skip: hasSamtools ? false : 'samtools is not installed' },
    async (t) => {
      const dir = tempDir(t);
      const { cram, reads, chrI } = cramOnChrI(dir);
      const app = await buildTestApp(t, await sampleStore(t));
      await app.listen({ host: '127.0.0.1', port: 0 });
      const port = (app.server.address() as AddressInfo).port;
      const cache = join(dir, 'cache');
      const { code, seqs, stderr } = await samtoolsView(cram, `http://127.0.0.1:${port}${template}`, cache);
      t.equal(code, 0, `samtools exit status (stderr: ${stderr})`);
      t.equal(seqs.length, reads.length);
      reads.forEach((r, i) => {
        t.equal(seqs[i], r.seq, `${r.name} decoded from the served reference`);
      });
      // htslib stored what it fetched in REF_CACHE: the exact uppercase sequence, no newline.
      const cached = readFileSync(join(cache, '66', '81', 'ac2f62509cfc220d78751b8dc524'), 'latin1');
      t.equal(cached, chrI, 'the cached reference is the sequence itself');
    },
  );
}
