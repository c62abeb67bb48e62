// In-process A/B for per-request costs on a noisy machine. Load with
//   node --import ./bench/ab/preload.mjs dist/cli/main.js serve --workers 1 ...
// and make the code under test branch on `globalThis.__abVariant` (0 or 1), e.g. in dist/:
//   if (globalThis.__abVariant) { ...variant B... } else { ...variant A... }
// The variant flips every 200 ms and this process's CPU time and finished responses are charged
// to the variant that was active, so both see the same neighbours and the same machine phase.
// Send SIGUSR2 to print µs of CPU per response for each variant (and start counting afresh).
// Two identical variants (an A/A check, slices under wrk) differed by 1-7 % per 5-second round,
// in either direction, while runs minutes apart on this VM differ by up to 2x: compare several
// rounds and trust only a difference that keeps its sign. A measuring tool, not for `npm test`.
import http from 'node:http';

globalThis.__abVariant = 0;
const cpu = [0, 0];
const responses = [0, 0];
let last = process.cpuUsage();

function flip() {
  const now = process.cpuUsage();
  cpu[globalThis.__abVariant] += now.user - last.user + (now.system - last.system);
  last = now;
  globalThis.__abVariant ^= 1;
}
setInterval(flip, 200).unref();

const end = http.ServerResponse.prototype.end;
http.ServerResponse.prototype.end = function (...args) {
  responses[globalThis.__abVariant]++;
  return end.apply(this, args);
};

process.on('SIGUSR2', () => {
  flip();
  const per = (v) => (responses[v] === 0 ? 'n/a' : `${(cpu[v] / responses[v]).toFixed(2)} µs`);
  process.stderr.write(`A/B: A ${per(0)} per response (${responses[0]}), B ${per(1)} per response (${responses[1]})\n`);
  cpu.fill(0);
  responses.fill(0);
});
