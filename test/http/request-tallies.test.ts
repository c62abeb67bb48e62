// Request tallies: Prometheus histogram semantics (bucket `le` = cumulative count of observations
// <= le, +Inf = count), counters per label set, body bytes per route, reset.
import t from 'tap';
import { RequestTallies } from '../../src/http/request-tallies.js';

const values = (m: {
  get: () => { values: { labels: Record<string, string | number>; value: number; metricName?: string }[] };
}) => m.get().values.map((v) => `${v.metricName ?? '-'}${JSON.stringify(v.labels)}=${v.value}`);

t.test('histogram buckets are cumulative, bounds inclusive; sum and count per label set', async (t) => {
  const tallies = new RequestTallies([0.1, 1]);
  for (const s of [0.05, 0.1, 0.5, 1, 2]) tallies.request('GET', '/a', 200, s);
  tallies.request('GET', '/a', 404, 3);
  const h = tallies.durationMetric('d', 'help');
  t.equal(h.type, 'histogram');
  t.same(values(h), [
    'd_bucket{"le":0.1,"method":"GET","route":"/a","status":"200"}=2',
    'd_bucket{"le":1,"method":"GET","route":"/a","status":"200"}=4',
    'd_bucket{"le":"+Inf","method":"GET","route":"/a","status":"200"}=5',
    'd_sum{"method":"GET","route":"/a","status":"200"}=3.65',
    'd_count{"method":"GET","route":"/a","status":"200"}=5',
    'd_bucket{"le":0.1,"method":"GET","route":"/a","status":"404"}=0',
    'd_bucket{"le":1,"method":"GET","route":"/a","status":"404"}=0',
    'd_bucket{"le":"+Inf","method":"GET","route":"/a","status":"404"}=1',
    'd_sum{"method":"GET","route":"/a","status":"404"}=3',
    'd_count{"method":"GET","route":"/a","status":"404"}=1',
  ]);
  t.same(values(tallies.requestsMetric('r', 'help')), [
    '-{"method":"GET","route":"/a","status":"200"}=5',
    '-{"method":"GET","route":"/a","status":"404"}=1',
  ]);
});

t.test('body bytes add up per route; reset clears everything', async (t) => {
  const tallies = new RequestTallies([1]);
  tallies.bodyBytes('/a', 100);
  tallies.bodyBytes('/b', 7);
  tallies.bodyBytes('/a', 1);
  tallies.request('HEAD', '/a', 200, 0);
  const bytes = tallies.bytesMetric('b', 'help');
  t.same(values(bytes), ['-{"route":"/a"}=101', '-{"route":"/b"}=7']);
  bytes.reset();
  t.same(values(bytes), [], 'no bytes after reset');
  t.same(values(tallies.requestsMetric('r', 'help')), [], 'no requests after reset');
});
