// The malformed alias-file corpus: each file is refused with `file:line: cause`, the message is
// short printable ASCII that echoes none of the offending bytes, and the store is byte-identical.
// Well-formed files (TSV with CRLF, an assembly report) still load.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runIngest } from '../../src/cli/ingest-command.js';
import { byteSnapshot, makeTempDir } from '../../scripts/reliability/lib/common.js';

const GOOD_HEAD = Buffer.from('# name\tnaming_authority\talias\nrec\tinsdc\tAB000001.1\n');
const row = (...parts: (string | Buffer)[]): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));

const CORPUS: [label: string, content: Buffer, cause: RegExp][] = [
  ['NUL in an alias', row(GOOD_HEAD, 'rec\tx\tab\0cd\n'), /:3: byte 0x00 at column 9/],
  ['ESC in an alias', row(GOOD_HEAD, 'rec\tx\t\x1b[31mred\n'), /:3: byte 0x1b at column 7/],
  ['a lone CR inside a line', row(GOOD_HEAD, 'rec\tx\tab\rcd\n'), /:3: byte 0x0d at column 9/],
  ['Latin-1 é', row(GOOD_HEAD, 'rec\tx\tcaf\xe9\n'), /:3: byte 0xe9 at column 10/],
  ['UTF-8 é', row(GOOD_HEAD, 'rec\tx\tcaf', Buffer.from([0xc3, 0xa9]), '\n'), /:3: byte 0xc3 at column 10/],
  ['DEL', row(GOOD_HEAD, 'rec\tx\tab\x7f\n'), /:3: byte 0x7f/],
  [
    'a 1 MiB alias',
    row(GOOD_HEAD, 'rec\tx\t', 'A'.repeat(1 << 20), '\n'),
    /:3: the alias is 1048576 characters long; the limit is 255/,
  ],
  ['a 256-character alias', row(GOOD_HEAD, 'rec\tx\t', 'A'.repeat(256), '\n'), /:3: the alias is 256 characters long/],
  ['a space inside an alias', row(GOOD_HEAD, 'rec\tx\tab cd\n'), /:3: the alias contains a space at position 3/],
  ['authority md5', row(GOOD_HEAD, 'rec\tmd5\tabc\n'), /:3: 'md5' is reserved/],
  ['authority GA4GH', row(GOOD_HEAD, 'rec\tGA4GH\tSQ.abc\n'), /:3: 'ga4gh' is reserved/],
  ['authority trunc512', row(GOOD_HEAD, 'rec\ttrunc512\tabc\n'), /:3: 'trunc512' is reserved/],
  ['authority with a colon', row(GOOD_HEAD, 'rec\ta:b\tabc\n'), /:3: a naming authority may use only letters/],
  ['a 65-character authority', row(GOOD_HEAD, 'rec\t', 'a'.repeat(65), '\tabc\n'), /:3: a naming authority may use only/],
  ['two fields', row(GOOD_HEAD, 'rec\tinsdc\n'), /:3: expected 3 tab-separated fields/],
  [
    'assembly report with a control byte',
    row('# Sequence-Name\tGenBank-Accn\tRefSeq-Accn\nrec\tCM0\x01\tNC_1\n'),
    /:2: byte 0x01 at column 8/,
  ],
  [
    'assembly report with a long accession',
    row('# Sequence-Name\tGenBank-Accn\tRefSeq-Accn\nrec\t', 'C'.repeat(300), '\tNC_1\n'),
    /:2: the GenBank-Accn is 300 characters long/,
  ],
];

t.test('malformed alias files are refused and change nothing', async (t) => {
  const tmp = makeTempDir('refget-aliases-');
  t.teardown(tmp.remove);
  const fasta = join(tmp.dir, 'g.fa');
  writeFileSync(fasta, '>rec\nACGTACGTAC\n');
  const store = join(tmp.dir, 'store');
  await runIngest([fasta], { store });
  const before = byteSnapshot(store);
  for (const [label, content, cause] of CORPUS) {
    const file = join(tmp.dir, 'aliases.tsv');
    writeFileSync(file, content);
    let message = '';
    await t.rejects(
      runIngest([fasta], { store, aliases: file }).catch((err: Error) => {
        message = err.message;
        throw err;
      }),
      { code: 'ALIASES_FORMAT' },
      label,
    );
    t.match(message, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}${cause.source}`), `${label}: file:line: cause`);
    t.ok(/^[\x20-\x7e]+$/.test(message) && message.length < file.length + 200, `${label}: short printable message`);
  }
  t.same(byteSnapshot(store), before, 'the store is byte-identical after every refusal');

  for (const [flag, value, cause] of [
    ['naming authority', 'md5', /--naming-authority: 'md5' is reserved/],
    ['naming authority', 'a b', /--naming-authority: a naming authority may use only/],
    ['collection name', 'my name', /--collection-name: a collection name is 1 to 255 printable ASCII/],
    ['collection name', 'caf\u00e9', /--collection-name/],
  ] as const) {
    const opts = flag === 'naming authority' ? { store, namingAuthority: value } : { store, collectionName: value };
    await t.rejects(runIngest([fasta], opts), { message: cause }, `${flag} '${value}'`);
  }
  t.same(byteSnapshot(store), before, 'and after the bad flags');

  const crlf = join(tmp.dir, 'crlf.tsv');
  writeFileSync(crlf, '# comment\r\nrec\tinsdc\tAB000001.1\r\nrec\trefseq\tNC_000001.1\r\n');
  const loaded = await runIngest([fasta], { store, aliases: crlf });
  t.equal(loaded.aliasesAdded, 2, 'a CRLF TSV loads');
  const report = join(tmp.dir, 'report.txt');
  writeFileSync(
    report,
    '# Assembly name: x\n# Sequence-Name\tGenBank-Accn\tRefSeq-Accn\tUCSC-style-name\nrec\tCM000001.1\tNC_000002.1\tna\n',
  );
  t.equal((await runIngest([fasta], { store, aliases: report })).aliasesAdded, 2, 'an assembly report loads');
});
