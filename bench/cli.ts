// What the benchmark scripts share: reading `--name value` options, and waiting for a spawned
// server to answer.

/** The value after `name` on the command line, or `def`. */
export function option(name: string, def: string): string {
  const args = process.argv.slice(2);
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : def;
}

/** Resolves once GET /healthz on 127.0.0.1:port answers 200 (polled every 50 ms, at most 10 s). */
export async function waitUntilServing(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no server answered on port ${port} within 10 s`);
}
