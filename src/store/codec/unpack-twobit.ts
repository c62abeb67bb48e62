// The 2-bit decoder's hot loop in WebAssembly (unpack-twobit.wat, SIMD): packed bytes expand to
// their four ASCII bases 64 bases per step, window by window. The module alone expands ~10 GB/s.
// In a micro-benchmark decodeTwoBit of 10 Mbp went from ~1 GB/s (the JS table loop it replaced)
// to 2.1-5.1 GB/s, and a 100-base decode from 1.5-1.7 to 0.55-0.8 µs; `npm run bench:ingest`
// (pack read included) from 0.84-1.04 to 1.36-1.53 GB/s.
import { embeddedModule, regionViews, type RegionExports } from '../../wasm/embedded-module.js';
import { UNPACK_TWOBIT_WASM } from './unpack-twobit-wasm.js';

/**
 * Largest number of packed bytes per unpack() call (the module's input region). The 64 KiB of
 * output it makes stay in cache for the copy out; 256 KiB windows measured no faster.
 */
export const UNPACK_WINDOW = 1 << 14;

interface UnpackExports extends RegionExports {
  unpack: (n: number) => void;
}
const instantiate = embeddedModule<UnpackExports>(UNPACK_TWOBIT_WASM);

export class TwoBitUnpacker {
  private readonly input: Uint8Array;
  private readonly output: Uint8Array;
  private readonly exports: UnpackExports;

  constructor() {
    this.exports = instantiate();
    ({ input: this.input, output: this.output } = regionViews(this.exports, UNPACK_WINDOW, UNPACK_WINDOW * 4));
  }

  /**
   * Writes bases [head, head + out.length) of `packed` (the bases of packed byte k are 4k..4k+3)
   * into out. packed must cover them: at least ceil((head + out.length) / 4) bytes.
   */
  unpack(packed: Uint8Array, head: number, out: Uint8Array): void {
    const end = head + out.length;
    const bytes = (end + 3) >> 2;
    for (let w = 0; w < bytes; w += UNPACK_WINDOW) {
      const len = Math.min(UNPACK_WINDOW, bytes - w);
      this.input.set(packed.subarray(w, w + len));
      this.exports.unpack(len);
      // Window w holds bases 4w..4(w+len); keep the part inside [head, end).
      const from = Math.max(head, 4 * w);
      const to = Math.min(end, 4 * (w + len));
      out.set(this.output.subarray(from - 4 * w, to - 4 * w), from - head);
    }
  }
}
