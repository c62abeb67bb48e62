// A real nginx in front of the server under a path prefix (`location /refget/ { proxy_pass … }`
// with X-Forwarded-Prefix), as an institute would deploy it: Swagger UI loads every asset and
// its OpenAPI document through the proxy, "Try it out" URLs land under the prefix, and the
// browser pages' links stay inside it. Skipped when nginx is not installed (.ci/run installs it).
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { buildTestApp, sampleStore, tempDir } from '../helpers/sample-store.js';
import { EXPECTED } from '../helpers/refget-expected.js';

const hasNginx = spawnSync('nginx', ['-v']).status === 0;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

t.test(
  'Swagger UI and the browser pages behind nginx under /refget/',
  { skip: hasNginx ? false : 'nginx is not installed' },
  async (t) => {
    const app = await buildTestApp(t, await sampleStore(t));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    const dir = tempDir(t);
    for (const d of ['body', 'proxy', 'fcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, d));
    const port = await freePort();
    writeFileSync(
      join(dir, 'nginx.conf'),
      `daemon off;
master_process off;
worker_processes 1;
error_log ${dir}/error.log;
pid ${dir}/nginx.pid;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location /refget/ {
      proxy_pass http://127.0.0.1:${address.port}/;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-Prefix /refget;
    }
  }
}
`,
    );
    const nginx = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
    t.teardown(() => {
      nginx.kill('SIGTERM');
    });
    const base = `http://127.0.0.1:${port}`;
    // nginx is up once it answers; poll (bounded) rather than sleep.
    let up = false;
    for (let i = 0; i < 100 && !up; i++) {
      up = await fetch(`${base}/refget/service-info`).then(
        (r) => r.ok,
        () => false,
      );
      if (!up) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    t.ok(up, `nginx answers (error log: ${up ? '' : readFileSync(join(dir, 'error.log'), 'utf8').slice(-300)})`);
    if (!up) return;

    const docs = await fetch(`${base}/refget/docs`, { redirect: 'manual' });
    t.equal(docs.status, 302);
    t.equal(docs.headers.get('location'), '/refget/docs/', '/refget/docs → /refget/docs/');
    const pageUrl = new URL('/refget/docs/', base);
    const page = await (await fetch(pageUrl)).text();
    const assets = [...page.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => new URL(m[1]!, pageUrl));
    t.ok(assets.length >= 4);
    for (const asset of assets) {
      t.ok(asset.pathname.startsWith('/refget/docs/static/'), `${asset.pathname} is under the prefix`);
      const res = await fetch(asset);
      t.equal(res.status, 200, `${asset.pathname} loads through nginx`);
      t.ok((await res.arrayBuffer()).byteLength > 0);
    }
    // swagger-initializer.js asks for ./json relative to the page
    const spec = (await (await fetch(new URL('json', pageUrl))).json()) as { servers: { url: string }[]; paths: object };
    t.same(spec.servers, [{ url: '/refget' }], 'OpenAPI servers entry carries the prefix');
    t.ok(Object.keys(spec.paths).includes('/sequence/{id}'));
    // "Try it out": servers[0].url + path
    const md5 = EXPECTED.I.md5;
    const tried = await fetch(`${base}${spec.servers[0]!.url}/sequence/${md5}?start=0&end=10`);
    t.equal(tried.status, 200);
    t.equal((await tried.text()).length, 10);
    const start = await (await fetch(`${base}/refget/`, { headers: { accept: 'text/html' } })).text();
    t.ok(start.includes('<base href="/refget/ui/"'), 'the browser pages resolve their links under the prefix');
    for (const file of ['app.js', 'app.css']) {
      t.equal((await fetch(`${base}/refget/ui/${file}`)).status, 200, `${file} loads through nginx`);
    }
  },
);
