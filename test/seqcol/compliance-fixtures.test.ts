// The refgenie compliance data (test/fixtures/seqcol): the six test FASTAs' digests and the five comparison answers.
import t from 'tap';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { canonicalJson } from '../../src/seqcol/canonical-json.js';
import { computeSeqcol, digestLevel2, validateLevel2, type SeqcolDigests } from '../../src/seqcol/collection.js';
import { compareCollections } from '../../src/seqcol/compare.js';

// Read in place, not copied: the shared data directory is the single source of these fixtures.
const DATA = new URL('../fixtures/seqcol/', import.meta.url);
const FASTAS = ['base.fa', 'different_names.fa', 'different_order.fa', 'pair_swap.fa', 'subset.fa', 'swap_wo_coords.fa'];
const OTHERS = ['different_names.fa', 'different_order.fa', 'pair_swap.fa', 'subset.fa', 'swap_wo_coords.fa'];

interface ExpectedDigests {
  name: string;
  top_level_digest: string;
  sorted_name_length_pairs_digest: string;
  level1: Record<string, string>;
  level2: Record<string, unknown[]>;
}

const readText = (path: string): string => readFileSync(new URL(path, DATA), 'utf8');
const expected = JSON.parse(readText('test_fasta/test_fasta_digests.json')) as Record<string, ExpectedDigests>;

/** Minimal FASTA reader for these fixtures: `>name` lines (first token) and sequence lines. */
function parseFasta(text: string): { name: string; sequence: string }[] {
  const records: { name: string; sequence: string }[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('>')) records.push({ name: line.slice(1).trim().split(/\s+/)[0] ?? '', sequence: '' });
    else if (line.trim() !== '') {
      const last = records.at(-1);
      if (last === undefined) throw new Error('sequence before the first header');
      last.sequence += line.replace(/[^A-Za-z]/g, '').toUpperCase();
    }
  }
  return records;
}

/** ga4gh id computed independently of src/checksum: SQ. + base64url(sha512[0:24]). */
const ga4ghId = (seq: string): string => `SQ.${createHash('sha512').update(seq).digest().subarray(0, 24).toString('base64url')}`;

function collectionOf(file: string): SeqcolDigests {
  const records = parseFasta(readText(`test_fasta/${file}`));
  return computeSeqcol({
    names: records.map((r) => r.name),
    lengths: records.map((r) => r.sequence.length),
    sequences: records.map((r) => ga4ghId(r.sequence)),
  });
}

t.test('test_fasta: every digest of the six collections', async (t) => {
  t.strictSame(Object.keys(expected).sort(), [...FASTAS].sort(), 'fixture covers the six files');
  for (const file of FASTAS) {
    t.test(file, async (t) => {
      const want = expected[file]!;
      const got = collectionOf(file);
      t.equal(got.digest, want.top_level_digest, 'level 0');
      t.equal(got.level1.sorted_name_length_pairs, want.sorted_name_length_pairs_digest, 'sorted_name_length_pairs');
      t.strictSame(Object.keys(got.level1).sort(), Object.keys(want.level1).sort(), 'level-1 attribute set');
      for (const [attr, digest] of Object.entries(want.level1)) {
        t.equal((got.level1 as unknown as Record<string, string>)[attr], digest, `level 1 ${attr}`);
      }
      t.strictSame(Object.keys(got.level2).sort(), Object.keys(want.level2).sort(), 'level-2 attribute set (no transient)');
      for (const [attr, value] of Object.entries(want.level2)) {
        // Canonical JSON: the fixture writes pairs as {length, name}; member order is not data.
        t.equal(canonicalJson((got.level2 as unknown as Record<string, unknown>)[attr]), canonicalJson(value), `level 2 ${attr}`);
      }
      // The per-sequence facts match the .checksums sidecar (name, length, ga4gh id, md5).
      const sidecar = readText(`test_fasta/${file}.checksums`)
        .trim()
        .split('\n')
        .map((l) => l.split('\t'));
      t.strictSame(
        sidecar.map((c) => c[0]),
        got.level2.names,
      );
      t.strictSame(
        sidecar.map((c) => Number(c[1])),
        got.level2.lengths,
      );
      t.strictSame(
        sidecar.map((c) => c[2]),
        got.level2.sequences,
      );
      // A served level 2, posted back, digests to the same level 0 and level 1.
      const posted = digestLevel2(JSON.parse(JSON.stringify(want.level2)) as Record<string, unknown>);
      t.equal(posted.digest, want.top_level_digest, 'digestLevel2 of the fixture level 2');
      for (const [attr, digest] of Object.entries(posted.level1)) t.equal(digest, want.level1[attr], `digestLevel2 ${attr}`);
    });
  }
});

t.test('comparison fixtures: base.fa vs each other collection', async (t) => {
  const base = collectionOf('base.fa');
  for (const other of OTHERS) {
    t.test(other, async (t) => {
      const fixture: unknown = JSON.parse(readText(`comparison/compare_base.fa_${other}.json`));
      const b = collectionOf(other);
      const got = compareCollections(base, b);
      t.equal(canonicalJson(got), canonicalJson(fixture), 'GET form: canonical JSON equal');
      t.strictSame(got, fixture, 'deep equal as well');

      // POST form: b is a client-supplied level 2 (JSON round trip, validated), digest null.
      const body: unknown = JSON.parse(JSON.stringify(b.level2));
      const valid = validateLevel2(body);
      t.ok(valid.ok, 'served level 2 passes validation');
      if (!valid.ok) return;
      const posted = compareCollections(base, { digest: null, level2: valid.level2 });
      const fixtureObj = fixture as { digests: { a: string; b: string | null } };
      t.equal(
        canonicalJson(posted),
        canonicalJson({ ...fixtureObj, digests: { a: fixtureObj.digests.a, b: null } }),
        'POST form',
      );
    });
  }
});
