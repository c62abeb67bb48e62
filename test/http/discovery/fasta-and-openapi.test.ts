// The discovery API: a FASTA range with aliases in its header, and the OpenAPI description of every discovery endpoint. Shared expectations and the app: test/helpers/discovery-suite.ts.
import t from 'tap';
import { SAMPLE_REFGET, app, get } from '../../helpers/discovery-suite.js';

t.test('FASTA output of a range (Accept: text/x-fasta): header with id and aliases, 60 columns, after selection', async (t) => {
  const I = SAMPLE_REFGET.I;
  const res = await get(app, '/sequence/insdc:BK006935.2?start=5&end=135', { accept: 'text/x-fasta' });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'text/x-fasta; charset=us-ascii');
  const sub = I.seq.slice(5, 135);
  t.equal(res.body, `>${I.ga4gh} md5:${I.md5} insdc:BK006935.2\n${sub.slice(0, 60)}\n${sub.slice(60, 120)}\n${sub.slice(120)}\n`);
  const range = await get(app, `/sequence/${I.md5}`, { accept: 'text/x-fasta', range: 'bytes=0-59' });
  t.equal(range.statusCode, 206);
  t.equal(range.body.split('\n')[1], I.seq.slice(0, 60), 'a Range counts bases, not header bytes');
});

t.test('the OpenAPI document describes every discovery endpoint', async (t) => {
  const doc = (await get(app, '/openapi.json')).json() as {
    paths: Record<
      string,
      Record<string, { parameters?: { name: string }[]; responses: Record<string, { content?: Record<string, unknown> }> }>
    >;
  };
  for (const path of ['/naming-authorities', '/aliases', '/collections', '/collections/{ref}/sequences']) {
    const op = doc.paths[path]?.get;
    t.ok(op, `GET ${path}`);
    const params = (op?.parameters ?? []).map((p) => p.name);
    for (const p of ['limit', 'offset', 'format']) t.ok(params.includes(p), `${path} documents ${p}`);
    t.same(
      Object.keys(op?.responses['200']?.content ?? {}).sort(),
      ['application/json', 'text/csv', 'text/tab-separated-values'],
      `${path}: three formats`,
    );
    t.ok(op?.responses['400'], `${path}: 400 documented`);
  }
  for (const p of ['naming_authority', 'alias', 'prefix'])
    t.ok(
      doc.paths['/aliases']!.get!.parameters!.some((x) => x.name === p),
      `/aliases documents ${p}`,
    );
  t.ok(doc.paths['/collections/{ref}/sequences']!.get!.responses['404'], '404 documented');
  t.ok(doc.paths['/sequence/metadata']?.post, 'POST /sequence/metadata');
});
