// The browser front door: pages over this server's own JSON API, no build step, no external
// hosts. Every URL is relative to <base href> (the server writes it with any proxy prefix), so
// the pages work under a path prefix. A bearer token typed into the page stays in this tab
// (sessionStorage) and is sent as Authorization with every API request.

const uiBase = new URL('.', document.baseURI); // …/ui/
const apiBase = new URL('..', uiBase); // the server's root, prefix included
const route = decodeURIComponent(location.pathname.slice(uiBase.pathname.length));
const params = new URLSearchParams(location.search);
const main = document.getElementById('main');
const TOKEN_KEY = 'refget-token';
/** Bases shown at once in the region viewer, and members per page of a collection. */
const MAX_REGION = 10000;
const PAGE = 100;
/** Above this many members a comparison is drawn as counts, not member by member. */
const DRAW_MEMBERS = 2000;

// ---- small helpers ------------------------------------------------------------------------

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const ui = (path) => new URL(path, uiBase).href;
const apiUrl = (path) => new URL(path, apiBase).href;
const fmt = (n) => Number(n).toLocaleString('en');
const seqLink = (id, text = id) => h('a', { href: ui(`sequence/${encodeURIComponent(id)}`), class: 'id' }, text);
const colLink = (digest, text = digest) => h('a', { href: ui(`collection/${encodeURIComponent(digest)}`), class: 'id' }, text);

function authHeaders() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { authorization: `Bearer ${token}` } : {};
}

class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error;
    this.body = body;
  }
}

async function api(path, { accept = 'application/json', method = 'GET', body } = {}) {
  const headers = { accept, ...authHeaders() };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(apiUrl(path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok && res.status !== 300) {
    let parsed;
    try {
      parsed = await res.json();
    } catch {
      parsed = undefined;
    }
    throw new ApiError(res.status, parsed);
  }
  return accept === 'application/json' ? res.json() : res.text();
}

function show(...nodes) {
  main.replaceChildren(...nodes);
  main.focus();
}

function fail(err) {
  const text = err instanceof ApiError && err.status === 404 ? 'Not found (or not visible without a token).' : err.message;
  show(
    h('h1', {}, 'Something went wrong'),
    h('p', { class: 'error', role: 'alert' }, text),
    h('p', {}, h('a', { href: ui('') }, 'Back to the start')),
  );
}

function facts(rows) {
  return h(
    'dl',
    { class: 'facts' },
    rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

function table(headers, rows, numeric = []) {
  return h(
    'table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((x, i) => h('th', { scope: 'col', class: numeric.includes(i) ? 'num' : undefined }, x)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h(
          'tr',
          {},
          r.map((c, i) => h('td', { class: numeric.includes(i) ? 'num' : undefined }, c)),
        ),
      ),
    ),
  );
}

function pager(offset, total, pageSize, make) {
  const last = Math.max(0, Math.floor((total - 1) / pageSize) * pageSize);
  return h(
    'nav',
    { class: 'pager', 'aria-label': 'pages' },
    offset > 0 ? h('a', { href: make(Math.max(0, offset - pageSize)) }, '← previous') : null,
    h('span', {}, total === 0 ? 'none' : `${fmt(offset + 1)}–${fmt(Math.min(total, offset + pageSize))} of ${fmt(total)}`),
    offset + pageSize < total ? h('a', { href: make(offset + pageSize) }, 'next →') : null,
    offset + pageSize < total ? h('a', { href: make(last) }, 'last') : null,
  );
}

// ---- pages ----------------------------------------------------------------------------------

async function home() {
  const offset = Math.max(0, Number(params.get('offset') ?? 0) | 0);
  const [holdings, collections] = await Promise.all([api('holdings'), api(`collections?limit=${PAGE}&offset=${offset}`)]);
  document.title = 'refget';
  show(
    h('h1', {}, 'Reference sequences and assemblies'),
    h(
      'p',
      {},
      `${fmt(holdings.sequences)} sequences (${fmt(holdings.bases)} bases) in ${fmt(holdings.collections)} collections. `,
      'Naming authorities: ',
      holdings.naming_authorities.length === 0 ? 'none' : holdings.naming_authorities.join(', '),
      '.',
    ),
    h('h2', {}, 'Collections'),
    table(
      ['Name', 'Digest', 'Sequences', 'Bases'],
      collections.results.map((c) => [
        c.names.length > 0 ? c.names.join(', ') : h('span', { class: 'muted' }, 'unnamed'),
        colLink(c.digest),
        fmt(c.sequence_count),
        fmt(c.total_length),
      ]),
      [2, 3],
    ),
    pager(offset, collections.total, PAGE, (o) => ui(`?offset=${o}`)),
    h('h2', {}, 'Clients'),
    h('p', {}, 'samtools / htslib, htslib’s ref-cache, VRS tooling (vrs-python), and curl:'),
    h('pre', { id: 'client-lines' }, clientLines()),
    h('h2', {}, 'For programs'),
    h(
      'p',
      {},
      h('a', { href: apiUrl('docs/') }, 'API documentation'),
      ' · ',
      h('a', { href: apiUrl('openapi.json') }, 'OpenAPI'),
      ' · ',
      h('a', { href: apiUrl('service-info') }, 'service-info'),
    ),
  );
}

/** Configuration lines naming this server by the URL this page was reached at. */
function clientLines() {
  const root = apiBase.href.replace(/\/$/, '');
  return [
    `export REF_PATH='${root}/sequence/%s'`,
    `ref-cache -b -d cached_refs -p 8081 -u ${root}/cram/md5/`,
    `export GA4GH_VRS_DATAPROXY_URI=seqrepo+${root}/seqrepo`,
    `curl '${root}/sequence/<md5>?start=0&end=100'`,
  ].join('\n');
}

async function search() {
  const q = (params.get('q') ?? '').trim();
  document.getElementById('q').value = q;
  if (q === '')
    return show(
      h('h1', {}, 'Search'),
      h('p', {}, 'Type an md5, a SQ./ga4gh: id, trunc512, an alias (chr1, insdc:BK006935.2) or a collection digest or name.'),
    );
  const found = await api(`search?q=${encodeURIComponent(q)}`);
  const hits = found.sequences.length + found.collections.length;
  if (hits === 1) {
    location.replace(
      found.sequences.length === 1 ? ui(`sequence/${found.sequences[0].ga4gh}`) : ui(`collection/${found.collections[0].digest}`),
    );
    return;
  }
  document.title = `Search: ${q}`;
  show(
    h('h1', {}, `Search: ${q}`),
    hits === 0 ? h('p', { role: 'status' }, 'Nothing matches.') : h('p', { role: 'status' }, `${hits} matches.`),
    found.sequences.length > 0 ? h('h2', {}, 'Sequences') : null,
    found.sequences.length > 0
      ? table(
          ['ga4gh', 'md5', 'Length'],
          found.sequences.map((s) => [seqLink(s.ga4gh), h('span', { class: 'id' }, s.md5), fmt(s.length)]),
          [2],
        )
      : null,
    found.collections.length > 0 ? h('h2', {}, 'Collections') : null,
    found.collections.length > 0
      ? table(
          ['Digest', 'Names'],
          found.collections.map((c) => [colLink(c.digest), c.names.join(', ')]),
        )
      : null,
  );
}

/** Bases wrapped at 60 with 0-based coordinates of each line's first base. */
function baseLines(text, start, length, wrapAt) {
  const lines = [];
  for (let i = 0; i < text.length; i += 60) {
    const coord = (start + i) % length;
    const chunk = text.slice(i, i + 60);
    // Mark where a circular wrap crosses the origin.
    const cut = wrapAt !== undefined && wrapAt > i && wrapAt < i + 60 ? wrapAt - i : -1;
    lines.push(
      h(
        'div',
        {},
        h('span', { class: 'coord' }, fmt(coord)),
        cut < 0
          ? chunk
          : [
              chunk.slice(0, cut),
              h('span', { class: 'wrap-mark', title: 'origin of the circular sequence' }, '|'),
              chunk.slice(cut),
            ],
      ),
    );
  }
  return h('pre', { class: 'bases', 'aria-label': 'bases' }, lines);
}

async function sequencePage(id) {
  const [{ metadata: m }, holding] = await Promise.all([
    api(`sequence/${encodeURIComponent(id)}/metadata`),
    api(`sequence/${encodeURIComponent(id)}/collections`),
  ]);
  document.title = `Sequence ${m.ga4gh}`;
  const sq = m.ga4gh;
  const start = params.has('start') ? Number(params.get('start')) : 0;
  const end = params.has('end') ? Number(params.get('end')) : Math.min(m.length, 600);
  const region = h('div', { id: 'region' });
  const form = h(
    'form',
    { class: 'region-form', 'aria-describedby': 'region-help' },
    h('label', { for: 'start' }, 'start '),
    h('input', { id: 'start', name: 'start', type: 'number', min: 0, max: m.length, value: start, required: true }),
    h('label', { for: 'end' }, ' end '),
    h('input', { id: 'end', name: 'end', type: 'number', min: 0, max: m.length, value: end, required: true }),
    ' ',
    h('button', { type: 'submit' }, 'Show'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const s = Number(form.start.value);
    const en = Number(form.end.value);
    history.replaceState(null, '', `?start=${s}&end=${en}`);
    showRegion(region, sq, m, s, en);
  });
  const base = apiUrl('');
  show(
    h('h1', {}, sq),
    facts([
      ['Length', `${fmt(m.length)} bases`],
      ['md5', h('span', { class: 'id' }, m.md5)],
      ['ga4gh', h('span', { class: 'id' }, m.ga4gh)],
      ['trunc512', h('span', { class: 'id' }, m.trunc512)],
      ['Circular', m.circular ? 'yes' : 'no'],
    ]),
    h('h2', {}, 'Aliases'),
    m.aliases.length === 0
      ? h('p', { class: 'muted' }, 'none')
      : table(
          ['Naming authority', 'Alias'],
          m.aliases.map((a) => [a.naming_authority, a.alias]),
        ),
    h('h2', {}, 'In collections'),
    holding.collections.length === 0
      ? h('p', { class: 'muted' }, 'none')
      : table(
          ['Collection', 'Names', 'Record name here'],
          holding.collections.map((c) => [colLink(c.digest), c.names.join(', '), c.record_names.join(', ')]),
        ),
    h('h2', {}, 'Bases'),
    h(
      'p',
      { id: 'region-help', class: 'muted' },
      `Coordinates are 0-based and half-open: [start, end). At most ${fmt(MAX_REGION)} bases are shown.${m.circular ? ' start > end wraps around the origin of this circular sequence.' : ''}`,
    ),
    form,
    region,
    h('h2', {}, 'Download'),
    h(
      'ul',
      {},
      h('li', {}, h('a', { href: apiUrl(`sequence/${sq}?accept=text/plain`), download: `${m.md5}.txt` }, 'Plain bases')),
      h('li', {}, h('a', { href: apiUrl(`sequence/${sq}?accept=text/x-fasta`), download: `${m.md5}.fa` }, 'FASTA')),
      h(
        'li',
        {},
        h(
          'a',
          { id: 'region-download', href: apiUrl(`sequence/${sq}?start=${start}&end=${end}&accept=text/plain`) },
          'The region above',
        ),
      ),
    ),
    h('h2', {}, 'Fetch it'),
    h(
      'pre',
      {},
      `curl ${base}sequence/${m.md5}\ncurl '${base}sequence/${m.md5}?start=${start}&end=${end}'\nREF_PATH='${base}sequence/%s' samtools view reads.cram`,
    ),
  );
  await showRegion(region, sq, m, start, end);
}

async function showRegion(region, sq, m, start, end) {
  const valid = Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end <= m.length && start <= m.length;
  const wraps = valid && start > end;
  const size = wraps ? m.length - start + end : end - start;
  if (!valid || (wraps && !m.circular)) {
    region.replaceChildren(
      h(
        'p',
        { class: 'error', role: 'alert' },
        `Choose 0 ≤ start ≤ end ≤ ${fmt(m.length)}${m.circular ? ' (or start > end to wrap)' : ''}.`,
      ),
    );
    return;
  }
  if (size > MAX_REGION) {
    region.replaceChildren(
      h(
        'p',
        { class: 'error', role: 'alert' },
        `${fmt(size)} bases: at most ${fmt(MAX_REGION)} are shown here; use the download link.`,
      ),
    );
    return;
  }
  const text = await api(`sequence/${sq}?start=${start}&end=${end}`, { accept: 'text/plain' });
  const dl = document.getElementById('region-download');
  if (dl) dl.href = apiUrl(`sequence/${sq}?start=${start}&end=${end}&accept=text/plain`);
  region.replaceChildren(
    h('p', { role: 'status' }, `[${fmt(start)}, ${fmt(end)}): ${fmt(text.length)} bases${wraps ? ', across the origin' : ''}.`),
    baseLines(text, start, m.length, wraps ? m.length - start : undefined),
  );
}

async function collectionPage(digest) {
  const offset = Math.max(0, Number(params.get('offset') ?? 0) | 0);
  const [level1, members] = await Promise.all([
    api(`collection/${encodeURIComponent(digest)}?level=1`),
    api(`collections/${encodeURIComponent(digest)}/sequences?limit=${PAGE}&offset=${offset}`),
  ]);
  const names = members.collection.names;
  document.title = `Collection ${names[0] ?? digest}`;
  const other = h('input', { id: 'other', name: 'other', required: true, placeholder: 'digest or name of the other collection' });
  const compare = h(
    'form',
    {},
    h('label', { for: 'other' }, 'Compare with '),
    other,
    ' ',
    h('button', { type: 'submit' }, 'Compare'),
  );
  compare.addEventListener('submit', async (e) => {
    e.preventDefault();
    // A name (or anything search finds as exactly one collection) becomes its digest.
    const q = other.value.trim();
    const found = await api(`search?q=${encodeURIComponent(q)}`).catch(() => ({ collections: [] }));
    const target = found.collections.length === 1 ? found.collections[0].digest : q;
    location.href = ui(`compare/${encodeURIComponent(digest)}/${encodeURIComponent(target)}`);
  });
  const pasted = h('textarea', {
    id: 'pasted',
    rows: 6,
    cols: 60,
    placeholder: 'chr1\t248956422 (one name and length per line), or a FASTA',
  });
  const file = h('input', { id: 'pasted-file', type: 'file', accept: '.sizes,.txt,.tsv,.fa,.fasta,.fna' });
  const result = h('div', { id: 'posted-result' });
  const local = h(
    'form',
    { id: 'local-form' },
    h(
      'p',
      {},
      h(
        'label',
        { for: 'pasted' },
        'Or compare with your own assembly: paste a chrom.sizes (name and length per line) or a FASTA',
      ),
    ),
    pasted,
    h('p', {}, h('label', { for: 'pasted-file' }, 'or choose a file '), file),
    h('button', { type: 'submit' }, 'Compare with mine'),
    result,
  );
  local.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const text = file.files?.[0] ? await file.files[0].text() : pasted.value;
      const level2 = await parseLocal(text);
      const c = await api(`comparison/${encodeURIComponent(digest)}`, { method: 'POST', body: level2 });
      result.replaceChildren(...comparisonView(c, 'This collection', 'Yours'));
    } catch (err) {
      result.replaceChildren(h('p', { class: 'error', role: 'alert' }, err.message));
    }
  });
  show(
    h('h1', {}, names.length > 0 ? names.join(', ') : 'Unnamed collection'),
    facts([
      ['Digest', h('span', { class: 'id' }, digest)],
      ['Sequences', fmt(members.total)],
    ]),
    h('h2', {}, 'Level-1 digests'),
    table(
      ['Attribute', 'Digest'],
      Object.entries(level1).map(([k, v]) => [k, h('span', { class: 'id' }, String(v))]),
    ),
    h('h2', {}, 'Members'),
    table(
      ['#', 'Name', 'Length', 'ga4gh', 'md5'],
      members.results.map((s, i) => [
        fmt(offset + i),
        s.name,
        fmt(s.length),
        seqLink(s.ga4gh),
        h('span', { class: 'id' }, s.md5),
      ]),
      [0, 2],
    ),
    pager(offset, members.total, PAGE, (o) => ui(`collection/${encodeURIComponent(digest)}?offset=${o}`)),
    h('h2', {}, 'Download'),
    h(
      'ul',
      {},
      h(
        'li',
        {},
        h('a', { href: apiUrl(`collections/${encodeURIComponent(digest)}/sequences?format=tsv`) }, 'Members with ids (TSV)'),
      ),
      h('li', {}, h('a', { href: apiUrl(`collection/${encodeURIComponent(digest)}`) }, 'Level 2 (seqcol JSON)')),
      h('li', {}, h('a', { href: apiUrl(`collection/${encodeURIComponent(digest)}/fasta`) }, 'All sequences (FASTA)')),
      h('li', {}, h('a', { href: apiUrl(`collection/${encodeURIComponent(digest)}/fasta.fai`) }, 'Its index (.fai)')),
      h('li', {}, h('a', { href: apiUrl(`collection/${encodeURIComponent(digest)}/chrom.sizes`) }, 'chrom.sizes')),
    ),
    h('h2', {}, 'Compare'),
    compare,
    local,
  );
}

/**
 * A pasted or chosen chrom.sizes or FASTA as a level-2 collection. FASTA sequences are digested
 * here (sha512t24u, as the server does) when the browser offers SubtleCrypto (https, or this
 * machine); otherwise only names and lengths are compared.
 */
async function parseLocal(text) {
  const names = [];
  const lengths = [];
  const sequences = [];
  if (text.trimStart().startsWith('>')) {
    const subtle = globalThis.crypto?.subtle;
    for (const r of text.split(/^>/m).filter((x) => x.trim() !== '')) {
      const nl = r.indexOf('\n');
      const name = (nl < 0 ? r : r.slice(0, nl)).trim().split(/\s+/)[0];
      const bases = (nl < 0 ? '' : r.slice(nl + 1)).replace(/[^A-Za-z]/g, '').toUpperCase();
      names.push(name);
      lengths.push(bases.length);
      if (subtle) {
        const digest = new Uint8Array(await subtle.digest('SHA-512', new TextEncoder().encode(bases))).slice(0, 24);
        const b64 = btoa(String.fromCharCode(...digest));
        sequences.push(`SQ.${b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`);
      }
    }
  } else {
    for (const [i, line] of text.split(/\r?\n/).entries()) {
      if (line.trim() === '' || line.startsWith('#')) continue;
      const [name, length] = line.trim().split(/\s+/);
      if (!name || !/^\d+$/.test(length ?? '')) throw new Error(`Line ${i + 1}: expected a name and a length.`);
      names.push(name);
      lengths.push(Number(length));
    }
  }
  if (names.length === 0) throw new Error('Nothing to compare: paste a chrom.sizes or a FASTA.');
  const level2 = { names, lengths, name_length_pairs: names.map((name, i) => ({ name, length: lengths[i] })) };
  if (sequences.length === names.length) level2.sequences = sequences;
  return level2;
}

/** The plain-words reading of a seqcol comparison. */
export function verdict(c) {
  const n = (obj, attr) => obj?.[attr] ?? 0;
  const e = c.array_elements;
  const same = (attr) => n(e.a_count, attr) === n(e.b_count, attr) && n(e.a_count, attr) === n(e.a_and_b_count, attr);
  const order = (attr) => e.a_and_b_same_order?.[attr] === true;
  if (c.digests.a !== null && c.digests.a === c.digests.b) return { text: 'Identical collections.', warn: false };
  if (!c.attributes.a_and_b.includes('sequences')) {
    // Only names and lengths on one side (a chrom.sizes): say nothing about the sequences.
    const pairs = n(e.a_and_b_count, 'name_length_pairs');
    if (same('name_length_pairs'))
      return {
        text: `Same names and lengths${order('name_length_pairs') ? '' : ', in a different order'} (the sequences themselves were not compared).`,
        warn: false,
      };
    return {
      text: `Names and lengths differ: ${fmt(pairs)} name–length pairs in common (A has ${fmt(n(e.a_count, 'name_length_pairs'))}, B has ${fmt(n(e.b_count, 'name_length_pairs'))}).`,
      warn: true,
    };
  }
  const shared = n(e.a_and_b_count, 'sequences');
  const [a, b] = [n(e.a_count, 'sequences'), n(e.b_count, 'sequences')];
  if (same('sequences') && same('names')) {
    // Both sets are equal; whether each name still goes with its sequence shows in the pairs
    // and in whether the two orders moved together.
    if (!same('name_length_pairs') || order('sequences') !== order('names'))
      return { text: 'Same sequences and names, but the names go with different sequences: do not mix these.', warn: true };
    if (order('sequences')) return { text: 'The same sequences under the same names, in the same order.', warn: false };
    return { text: 'Same sequences and names, in a different order.', warn: false };
  }
  if (same('sequences'))
    return { text: `Same sequences, different names${order('sequences') ? '' : ', in a different order'}.`, warn: false };
  if (same('names') && same('lengths'))
    return { text: 'Same names and lengths, different sequences: do not mix these.', warn: true };
  if (shared === 0) return { text: 'No sequence in common.', warn: true };
  if (shared === b && b < a)
    return { text: `B is a subset of A: all ${fmt(b)} of B's sequences are in A (A has ${fmt(a)}).`, warn: false };
  if (shared === a && a < b)
    return { text: `A is a subset of B: all ${fmt(a)} of A's sequences are in B (B has ${fmt(b)}).`, warn: false };
  return { text: `They overlap: ${fmt(shared)} sequences in common; A has ${fmt(a)}, B has ${fmt(b)}.`, warn: true };
}

const SVG = 'http://www.w3.org/2000/svg';
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** Counts per attribute: A only, both, B only, as stacked bars. */
function countsPicture(c) {
  const attrs = Object.keys(c.array_elements.a_count).filter((k) => k in c.array_elements.b_count);
  const rowH = 28;
  const width = 640;
  const svg = s(
    'svg',
    { viewBox: `0 0 ${width} ${attrs.length * rowH + 30}`, width: '100%', role: 'img', 'aria-labelledby': 'counts-title' },
    s('title', { id: 'counts-title' }, 'Elements of each attribute in A only, in both, in B only'),
  );
  attrs.forEach((attr, i) => {
    const a = c.array_elements.a_count[attr];
    const b = c.array_elements.b_count[attr];
    const both = c.array_elements.a_and_b_count[attr] ?? 0;
    const total = Math.max(1, a + b - both);
    const scale = (width - 200) / total;
    const y = i * rowH + 4;
    svg.append(s('text', { x: 0, y: y + 15 }, attr));
    let x = 190;
    for (const [n, color, label] of [
      [a - both, '#1f6f43', 'A only'],
      [both, '#0b57d0', 'both'],
      [b - both, '#8a3ffc', 'B only'],
    ]) {
      if (n > 0)
        svg.append(
          s(
            'rect',
            { x, y, width: Math.max(1, n * scale), height: rowH - 8, fill: color },
            s('title', {}, `${attr}: ${fmt(n)} ${label}`),
          ),
        );
      x += n * scale;
    }
  });
  svg.append(s('text', { x: 190, y: attrs.length * rowH + 22 }, 'green: A only · blue: both · purple: B only'));
  return svg;
}

/** The two collections side by side, members joined where their sequences match. */
function membersPicture(aMembers, bMembers) {
  const rowH = Math.max(3, Math.min(18, 600 / Math.max(aMembers.length, bMembers.length)));
  const height = Math.max(aMembers.length, bMembers.length) * rowH + 30;
  const svg = s(
    'svg',
    { viewBox: `0 0 640 ${height}`, width: '100%', role: 'img', 'aria-labelledby': 'members-title' },
    s(
      'title',
      { id: 'members-title' },
      'Members of A (left) and B (right), joined where the sequence is the same; crossing lines show a different order',
    ),
  );
  const where = new Map();
  bMembers.forEach((m, i) => {
    if (!where.has(m.ga4gh)) where.set(m.ga4gh, i);
  });
  svg.append(s('text', { x: 40, y: 12 }, 'A'), s('text', { x: 580, y: 12 }, 'B'));
  aMembers.forEach((m, i) => {
    const j = where.get(m.ga4gh);
    const y = 20 + i * rowH + rowH / 2;
    if (j !== undefined) {
      const sameName = bMembers[j].name === m.name;
      svg.append(
        s(
          'line',
          {
            x1: 200,
            y1: y,
            x2: 440,
            y2: 20 + j * rowH + rowH / 2,
            stroke: sameName ? '#0b57d0' : '#d97706',
            'stroke-width': 1.5,
          },
          s('title', {}, `${m.name} → ${bMembers[j].name}`),
        ),
      );
    }
    if (rowH >= 10) svg.append(s('text', { x: 195, y: y + 4, 'text-anchor': 'end' }, m.name));
  });
  if (rowH >= 10) bMembers.forEach((m, j) => svg.append(s('text', { x: 445, y: 20 + j * rowH + rowH / 2 + 4 }, m.name)));
  return svg;
}

async function membersOf(digest) {
  const page = await api(`collections/${encodeURIComponent(digest)}/sequences?limit=${DRAW_MEMBERS}`);
  return page.total > DRAW_MEMBERS ? undefined : page.results;
}

async function comparePage(a, b) {
  const c = await api(`comparison/${encodeURIComponent(a)}/${encodeURIComponent(b)}`);
  document.title = 'Comparison';
  const [am, bm] = await Promise.all([membersOf(a), membersOf(b)]);
  show(
    h('h1', {}, 'Comparison'),
    facts([
      ['A', colLink(c.digests.a)],
      ['B', colLink(c.digests.b)],
    ]),
    ...comparisonView(c, 'A', 'B'),
    h('h2', {}, 'Members'),
    am && bm
      ? membersPicture(am, bm)
      : h('p', { class: 'muted' }, `More than ${fmt(DRAW_MEMBERS)} members: shown as counts above.`),
  );
}

/** Verdict, counts picture and table of one comparison. */
function comparisonView(c, aLabel, bLabel) {
  const v = verdict(c);
  const e = c.array_elements;
  return [
    h('p', { class: v.warn ? 'verdict warn' : 'verdict', role: 'status' }, v.text),
    h('h2', {}, 'Per attribute'),
    countsPicture(c),
    table(
      ['Attribute', aLabel, bLabel, 'Both', 'Same order'],
      Object.keys(e.a_and_b_count).map((k) => [
        k,
        fmt(e.a_count[k]),
        fmt(e.b_count[k]),
        fmt(e.a_and_b_count[k]),
        e.a_and_b_same_order[k] === null ? '—' : e.a_and_b_same_order[k] ? 'yes' : 'no',
      ]),
      [1, 2, 3],
    ),
  ];
}

// ---- token and routing ------------------------------------------------------------------------

const tokenForm = document.getElementById('token-form');
const tokenInput = document.getElementById('token');
if (sessionStorage.getItem(TOKEN_KEY))
  document.getElementById('token-box').querySelector('summary').textContent = 'Access token (in use)';
tokenForm.addEventListener('submit', (e) => {
  e.preventDefault();
  if (tokenInput.value.trim() !== '') sessionStorage.setItem(TOKEN_KEY, tokenInput.value.trim());
  location.reload();
});
document.getElementById('token-clear').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  location.reload();
});

async function dispatch() {
  const [page, ...rest] = route.split('/');
  if (route === '') return home();
  if (page === 'search') return search();
  if (page === 'sequence' && rest.length >= 1) return sequencePage(rest.join('/'));
  if (page === 'collection' && rest.length === 1) return collectionPage(rest[0]);
  if (page === 'compare' && rest.length === 2) return comparePage(rest[0], rest[1]);
  throw new ApiError(404, { message: 'No such page' });
}

dispatch().then(
  () => document.body.setAttribute('data-ready', 'true'),
  (err) => {
    fail(err);
    document.body.setAttribute('data-ready', 'true');
  },
);
