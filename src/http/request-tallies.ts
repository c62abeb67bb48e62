// Request counts, latency histograms and body bytes kept as plain numbers per label set, and
// handed to the metrics registry only when it is scraped. prom-client hashes a label object on
// every inc()/observe(), even through label children: the hooks took 4-8 µs of a 100-base slice
// request's 67-86 µs (in-process A/B, three rounds; the harness's A/A noise is 1-7 %), and 0-3 µs
// now. A request costs a Map lookup and a few adds.
//
// The three metrics are registry entries of our own (name, help, type and get(), the shape
// prom-client's Registry and AggregatorRegistry read), with every label in `labels`, so cluster
// aggregation sums them per label set like prom-client's own counters and histograms. They share
// the tallies: reset() of any one clears all three.

interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}
export interface RegistryMetric {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  get: () => { name: string; help: string; type: string; aggregator: string; values: MetricValue[] };
  reset: () => void;
}

interface Tally {
  labels: { method: string; route: string; status: string };
  count: number;
  sum: number;
  /** observations per bucket (not cumulative), one more than the bounds for +Inf */
  buckets: number[];
}

export class RequestTallies {
  private readonly tallies = new Map<string, Tally>();
  private readonly bytes = new Map<string, number>();
  private readonly bounds: readonly number[];

  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
  }

  /** One finished request. */
  request(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let tally = this.tallies.get(key);
    if (tally === undefined) {
      tally = {
        labels: { method, route, status: String(status) },
        count: 0,
        sum: 0,
        buckets: new Array<number>(this.bounds.length + 1).fill(0),
      };
      this.tallies.set(key, tally);
    }
    tally.count++;
    tally.sum += seconds;
    let b = 0;
    while (b < this.bounds.length && seconds > this.bounds[b]!) b++;
    tally.buckets[b]!++;
  }

  /** Body bytes sent for a route. */
  bodyBytes(route: string, n: number): void {
    this.bytes.set(route, (this.bytes.get(route) ?? 0) + n);
  }

  requestsMetric(name: string, help: string): RegistryMetric {
    return this.metric(name, help, 'counter', () =>
      [...this.tallies.values()].map((t) => ({ labels: t.labels, value: t.count })),
    );
  }

  durationMetric(name: string, help: string): RegistryMetric {
    return this.metric(name, help, 'histogram', () => {
      const values: MetricValue[] = [];
      for (const t of this.tallies.values()) {
        let cumulative = 0;
        this.bounds.forEach((le, i) => {
          cumulative += t.buckets[i]!;
          values.push({ labels: { le, ...t.labels }, value: cumulative, metricName: `${name}_bucket` });
        });
        values.push({ labels: { le: '+Inf', ...t.labels }, value: t.count, metricName: `${name}_bucket` });
        values.push({ labels: t.labels, value: t.sum, metricName: `${name}_sum` });
        values.push({ labels: t.labels, value: t.count, metricName: `${name}_count` });
      }
      return values;
    });
  }

  bytesMetric(name: string, help: string): RegistryMetric {
    return this.metric(name, help, 'counter', () => [...this.bytes].map(([route, value]) => ({ labels: { route }, value })));
  }

  private metric(name: string, help: string, type: 'counter' | 'histogram', values: () => MetricValue[]): RegistryMetric {
    return {
      name,
      help,
      type,
      aggregator: 'sum',
      get: () => ({ name, help, type, aggregator: 'sum', values: values() }),
      reset: () => {
        this.tallies.clear();
        this.bytes.clear();
      },
    };
  }
}
