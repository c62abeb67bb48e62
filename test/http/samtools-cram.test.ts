// The real refget client: samtools/htslib decodes a CRAM whose reference it can only get from
// our server (an empty REF_CACHE, no local FASTA), through both URL forms htslib configurations
// use: REF_PATH=http://127.0.0.1:PORT/sequence/%s and the ENA registry's …/cram/md5/%s.
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildTestApp, sampleStore, tempDir, FIXTURES } from '../helpers/sample-store.js';

const hasSamtools = spawnSync('samtools', ['--version']).status === 0;

for (const template of ['/sequence/%s', '/cram/md5/%s']) {
  t.test(
    `samtools view decodes a CRAM against the server (REF_PATH …${template})`,
    { skip: hasSamtools ? false : 'samtools is not installed' },
    async (t) => {
      const dir = tempDir(t);
      const fasta = readFileSync(join(FIXTURES, 'refget', 'I.faa'), 'utf8');
      const chrI = fasta
        .slice(fasta.indexOf('\n') + 1)
        .replace(/[^A-Za-z]/g, '')
        .toUpperCase();
      // Reads copied from the reference at known positions (and one with a mismatch).
      const reads = [100, 5000, 123_456, 230_000].map((pos, i) => {
        let seq = chrI.slice(pos, pos + 100);
        if (i === 1) seq = `${seq.slice(0, 50)}${seq[50] === 'A' ? 'C' : 'A'}${seq.slice(51)}`;
        return { name: `r${i}`, pos, seq };
      });
      const sam = [
        `@SQ\tSN:I\tLN:${chrI.length}\tM5:6681ac2f62509cfc220d78751b8dc524`,
        ...reads.map((r) => `${r.name}\t0\tI\t${r.pos + 1}\t60\t100M\t*\t0\t0\t${r.seq}\t${'I'.repeat(100)}`),
      ].join('\n');
      writeFileSync(join(dir, 'reads.sam'), `${sam}\n`);
      writeFileSync(join(dir, 'ref.fa'), `>I\n${chrI}\n`);
      execFileSync('samtools', ['view', '-C', '-T', join(dir, 'ref.fa'), '-o', join(dir, 'reads.cram'), join(dir, 'reads.sam')]);
      rmSync(join(dir, 'ref.fa'));

      const store = await sampleStore(t);
      const app = await buildTestApp(t, store);
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('no address');
      const cache = join(dir, 'cache');
      mkdirSync(cache);
      // samtools is synchronous here, so run it in a child that does not block our event loop.
      const { spawn } = await import('node:child_process');
      const child = spawn('samtools', ['view', join(dir, 'reads.cram')], {
        env: { ...process.env, REF_PATH: `http://127.0.0.1:${address.port}${template}`, REF_CACHE: `${cache}/%2s/%2s/%s` },
        cwd: dir,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      t.equal(code, 0, `samtools exit status (stderr: ${stderr.trim()})`);
      const decoded = stdout
        .trim()
        .split('\n')
        .map((line) => line.split('\t'));
      t.equal(decoded.length, reads.length);
      reads.forEach((r, i) => {
        t.equal(decoded[i]?.[9], r.seq, `${r.name} decoded from the served reference`);
      });
      // htslib stored what it fetched in REF_CACHE: the exact uppercase sequence, no newline.
      const cached = readFileSync(join(cache, '66', '81', 'ac2f62509cfc220d78751b8dc524'), 'latin1');
      t.equal(cached, chrI, 'the cached reference is the sequence itself');
    },
  );
}
