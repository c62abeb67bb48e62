// GET /sequence/:id/metadata through app.inject: spec §2.5 (shape and keys), §2.2 (JSON Accept
// rules), §2.7 (identifier forms, 404s, 300) and checklist §2.9 R5, R12. Expected digests come from
// test/fixtures/refget/expected-ids.json and the spec's test vectors, never from the code under test.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildTestApp, sampleStore, tempDir } from '../helpers/sample-store.js';
import { runIngest } from '../../src/cli/ingest-command.js';
import {
  assertJsonError,
  EXPECTED,
  NAMES,
  type ExpectedIds,
  type Name,
  type Test,
  REFGET_JSON_TYPE as JSON_TYPE,
  SUITE_JSON_ACCEPT,
  BROWSER_ACCEPT,
} from '../helpers/refget-expected.js';

type Res = LightMyRequestResponse;
type Headers = Record<string, string>;

const ids = (name: Name): ExpectedIds => EXPECTED[name];

/** [the path segment sent, the id as the server receives it (decoded)] for every §2.7 form. */
function idForms(name: Name): [string, string][] {
  const e = ids(name);
  const alias = `${e.aliases[0]!.naming_authority}:${e.aliases[0]!.alias}`;
  const same = (id: string): [string, string] => [id, id];
  return [
    same(e.md5),
    same(e.md5.toUpperCase()),
    same(`md5:${e.md5}`),
    same(e.trunc512),
    same(e.trunc512.toUpperCase()),
    same(`trunc512:${e.trunc512}`),
    same(e.ga4gh),
    same(`ga4gh:${e.ga4gh}`),
    [`ga4gh%3A${e.ga4gh}`, `ga4gh:${e.ga4gh}`],
    same(alias),
    [alias.replace(':', '%3A'), alias],
  ];
}

const swapCase = (s: string): string =>
  s.replace(/[A-Za-z]/g, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()));

function get(app: FastifyInstance, url: string, headers: Headers = {}): Promise<Res> {
  return app.inject({ method: 'GET', url, headers });
}

interface Metadata {
  id?: unknown;
  md5?: unknown;
  ga4gh?: unknown;
  trunc512?: unknown;
  length?: unknown;
  circular?: unknown;
  aliases?: unknown;
}

/** A 200 metadata response: JSON type, ASCII, parsed `metadata` object returned. */
function okMetadata(t: Test, res: Res, msg: string): Metadata {
  t.equal(res.statusCode, 200, `${msg}: status`);
  t.equal(res.headers['content-type'], JSON_TYPE, `${msg}: content-type`);
  t.equal(res.headers['content-length'], String(res.rawPayload.length), `${msg}: content-length`);
  t.equal(res.headers['access-control-allow-origin'], '*', `${msg}: CORS`);
  t.notOk(res.headers['content-encoding'], `${msg}: no content-encoding`);
  t.notMatch(res.body, /[^\x20-\x7e]/, `${msg}: ASCII-only body`);
  const body = JSON.parse(res.body) as { metadata?: Metadata };
  t.same(Object.keys(body), ['metadata'], `${msg}: a single top-level "metadata" key`);
  return body.metadata ?? {};
}

/** The §2.5 / R12 shape, with the values for one of the sample sequences. */
function assertMetadataOf(t: Test, m: Metadata, name: Name, queryId: string, msg: string): void {
  const e = ids(name);
  t.equal(m.md5, e.md5, `${msg}: md5`);
  t.equal(m.ga4gh, e.ga4gh, `${msg}: ga4gh is SQ.… (no ga4gh: prefix)`);
  t.match(m.ga4gh, /^SQ\.[A-Za-z0-9_-]{32}$/, `${msg}: ga4gh format`);
  t.equal(m.trunc512, e.trunc512, `${msg}: trunc512 (lower case key, 48 hex)`);
  t.equal(m.length, e.length, `${msg}: length`);
  t.ok(Number.isInteger(m.length), `${msg}: length is an integer`);
  t.equal(m.circular, e.circular, `${msg}: circular`);
  t.equal(m.id, queryId, `${msg}: id echoes the query id`);
  t.same(m.aliases, e.aliases, `${msg}: aliases [{alias, naming_authority: insdc}]`);
  t.notOk('TRUNC512' in m, `${msg}: no upper-case TRUNC512 key`);
}

function assertError(t: Test, res: Res, status: number, code: string, msg: string): Record<string, unknown> {
  return assertJsonError(t, res, status, code, msg, { key: 'metadata', label: 'no metadata on an error' });
}

const storeDir = await sampleStore(t);
const app = await buildTestApp(t, storeDir);
const linearApp = await buildTestApp(t, storeDir, { circularSupported: false, subsequenceLimit: 1000 });

// A second store: an alias naming two sequences (300). (Aliases are printable ASCII: a non-ASCII
// one is refused at ingest, test/ingest/aliases-corpus.test.ts.)
const ACGT = {
  md5: 'f1f8f4bf413b16ad135722aa4591043e',
  ga4gh: 'SQ.aKF498dAxcJAqme6QYQ7EZ07-fiw8Kw2',
  trunc512: '68a178f7c740c5c240aa67ba41843b119d3bf9f8b0f0ac36',
};
const NNNN = {
  md5: 'ef95bc05180af51bfd945e93b2bbba8e',
  ga4gh: 'SQ.OjvYcaDLJAbI_obSPKkxIKNHkBCXC2dM',
  trunc512: '3a3bd871a0cb2406c8fe86d23ca93120a3479010970b674c',
};
const extraStore = await (async () => {
  const dir = tempDir(t, 'refget-metadata-');
  const fasta = join(dir, 'extra.fa');
  writeFileSync(fasta, '>one\nacgt\n>four_n\nNNNN\n');
  const aliases = join(dir, 'aliases.tsv');
  writeFileSync(aliases, 'one\tucsc\tdup\nfour_n\tucsc\tdup\none\tucsc\tchr_e\none\tensembl\tONE\n');
  const store = join(dir, 'store');
  await runIngest([fasta], { store, aliases });
  return store;
})();
const extraApp = await buildTestApp(t, extraStore);

t.test('§2.5 / R12: metadata of every sample sequence, through every identifier form', async (t) => {
  for (const name of NAMES) {
    for (const [sent, received] of idForms(name)) {
      const m = okMetadata(t, await get(app, `/sequence/${sent}/metadata`), `${name} ${sent}`);
      assertMetadataOf(t, m, name, received, `${name} ${sent}`);
    }
  }
});

t.test("§2.5: the suite's metadata requests (its JSON Accept list; insdc id)", async (t) => {
  const e = ids('I');
  for (const id of [e.md5, e.trunc512, `ga4gh:${e.ga4gh}`, 'insdc:BK006935.2']) {
    const m = okMetadata(t, await get(app, `/sequence/${id}/metadata`, { accept: SUITE_JSON_ACCEPT }), id);
    t.equal(m.length, 230218, `${id}: suite checks length == 230218`);
    t.ok(m.trunc512, `${id}: trunc512 truthy (it is advertised in algorithms)`);
    t.ok(m.ga4gh, `${id}: ga4gh truthy`);
    t.ok(Array.isArray(m.aliases), `${id}: aliases key`);
    t.ok(
      (m.aliases as { naming_authority: string }[]).some((a) => a.naming_authority === 'insdc'),
      `${id}: an insdc alias`,
    );
  }
});

t.test("§2.5: metadata does not depend on the server's circular mode or limit", async (t) => {
  for (const name of NAMES) {
    const a = await get(app, `/sequence/${ids(name).md5}/metadata`);
    const b = await get(linearApp, `/sequence/${ids(name).md5}/metadata`);
    t.equal(b.body, a.body, `${name}: same body`);
  }
});

t.test('§2.2 / R12: JSON Accept rules', async (t) => {
  const url = `/sequence/${ids('NC').md5}/metadata`;
  const acceptable: (string | undefined)[] = [
    undefined,
    '',
    SUITE_JSON_ACCEPT,
    'application/vnd.ga4gh.refget.v1.0.0+json',
    'application/vnd.ga4gh.refget.v1.0.1+json',
    'application/vnd.ga4gh.refget.v2.0.0+json',
    'application/vnd.ga4gh.refget.v2.0.0+json; charset=us-ascii',
    'application/json',
    'application/json; charset=utf-8',
    'application/*',
    '*/*',
    BROWSER_ACCEPT,
    'text/plain;q=0.9, application/json;q=0.1',
  ];
  for (const accept of acceptable) {
    const m = okMetadata(t, await get(app, url, accept === undefined ? {} : { accept }), `Accept: ${String(accept)}`);
    assertMetadataOf(t, m, 'NC', ids('NC').md5, `Accept: ${String(accept)}`);
  }
  const refused = [
    'embl/some_json',
    'text/plain',
    'text/plain; charset=us-ascii',
    'text/vnd.ga4gh.refget.v2.0.0+plain',
    'text/x-fasta',
    'text/*',
    'application/json;q=0',
    'text/html',
  ];
  for (const accept of refused) {
    const body = assertError(t, await get(app, url, { accept }), 406, 'NOT_ACCEPTABLE', `Accept: ${accept}`);
    t.same(body.available, [JSON_TYPE], `${accept}: the one available type`);
  }
  // ?accept= overrides the header, both ways.
  okMetadata(
    t,
    await get(app, `${url}?accept=application/json`, { accept: 'text/plain' }),
    '?accept=application/json over text/plain',
  );
  assertError(
    t,
    await get(app, `${url}?accept=text/plain`, { accept: 'application/json' }),
    406,
    'NOT_ACCEPTABLE',
    '?accept=text/plain',
  );
});

t.test('§2.7 / R5: unknown and malformed ids → 404 (checked before Accept)', async (t) => {
  const e = ids('I');
  const digest = e.ga4gh.slice(3);
  const bad = [
    'some1111garbage1111ID',
    'Garbagechecksum',
    `sq.${digest}`,
    `SQ.${swapCase(digest)}`,
    `ga4gh:SQ.${digest.toUpperCase()}`,
    '0'.repeat(32),
    'insdc:BK006935.99',
    `md5:${e.md5.slice(1)}`,
  ];
  for (const id of bad) {
    assertError(t, await get(app, `/sequence/${encodeURIComponent(id)}/metadata`), 404, 'SEQUENCE_NOT_FOUND', id);
  }
  assertError(
    t,
    await get(app, '/sequence/some1111garbage1111ID/metadata', { accept: 'embl/some_json' }),
    404,
    'SEQUENCE_NOT_FOUND',
    'garbage + bad accept',
  );
});

t.test('trailing slash and HEAD', async (t) => {
  const url = `/sequence/${ids('VI').ga4gh}/metadata`;
  const g = await get(app, url);
  const slash = await get(app, `${url}/`);
  t.equal(slash.statusCode, 200, 'trailing slash');
  t.equal(slash.body, g.body, 'same body with a trailing slash');
  const h = await app.inject({ method: 'HEAD', url });
  t.equal(h.statusCode, 200, 'HEAD status');
  t.equal(h.headers['content-type'], JSON_TYPE, 'HEAD content-type');
  t.equal(h.rawPayload.length, 0, 'HEAD has no body');
});

t.test('§2.7: an alias naming two sequences → 300 with both candidates', async (t) => {
  for (const url of ['/sequence/ucsc:dup/metadata', '/sequence/ucsc%3Adup/metadata']) {
    const body = assertError(t, await get(extraApp, url), 300, 'AMBIGUOUS_ALIAS', url);
    const candidates = (body.candidates as { ga4gh: string; md5: string; length: number }[])
      .map((c) => ({ ga4gh: c.ga4gh, md5: c.md5, length: c.length }))
      .sort((a, b) => a.md5.localeCompare(b.md5));
    t.same(
      candidates,
      [
        { ga4gh: ACGT.ga4gh, md5: ACGT.md5, length: 4 },
        { ga4gh: NNNN.ga4gh, md5: NNNN.md5, length: 4 },
      ].sort((a, b) => a.md5.localeCompare(b.md5)),
      `${url}: candidates with spec digests`,
    );
  }
});

t.test('§2.2: JSON is us-ascii: non-ASCII request text echoed in an error is \\u-escaped', async (t) => {
  for (const id of [ACGT.md5, ACGT.ga4gh, 'ucsc:chr_e']) {
    const m = okMetadata(t, await get(extraApp, `/sequence/${id}/metadata`), id);
    t.equal(m.md5, ACGT.md5, `${id}: md5 from the spec vector for ACGT`);
    t.equal(m.ga4gh, ACGT.ga4gh, `${id}: ga4gh from the spec vector`);
    t.equal(m.trunc512, ACGT.trunc512, `${id}: trunc512 from the spec vector`);
    t.equal(m.length, 4);
    t.equal(m.circular, false);
    t.same(
      [...(m.aliases as { alias: string; naming_authority: string }[])].sort((a, b) =>
        `${a.naming_authority}:${a.alias}`.localeCompare(`${b.naming_authority}:${b.alias}`),
      ),
      [
        { alias: 'ONE', naming_authority: 'ensembl' },
        { alias: 'chr_e', naming_authority: 'ucsc' },
        { alias: 'dup', naming_authority: 'ucsc' },
      ],
      `${id}: every alias`,
    );
  }
  const alias = 'chr\u00e9\u4e00\u{1f9ec}';
  const res = await get(extraApp, `/sequence/ucsc:${encodeURIComponent(alias)}/metadata`);
  t.equal(res.statusCode, 404);
  t.ok(/^[\x20-\x7e]*$/.test(res.body), 'the body is ASCII');
  t.ok(res.body.includes('chr\\u00e9\\u4e00\\ud83e\\uddec'), 'escaped as \\uXXXX (surrogate pair for the emoji)');
  t.match((JSON.parse(res.body) as { message: string }).message, alias, 'and decodes back to the id');
});
