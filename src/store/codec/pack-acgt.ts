// The 2-bit encoder's fast path in WebAssembly (pack-acgt.wat, SIMD): runs of plain A/C/G/T
// bases are checked and packed 64 at a time. The encoder copies a window of bases into the
// module's memory once, then packs from any group boundary in it until the next exception.
import { embeddedModule, regionViews, type RegionExports } from '../../wasm/embedded-module.js';
import { PACK_ACGT_WASM } from './pack-acgt-wasm.js';

/** Largest window of bases per load() (a multiple of 4). */
export const PACK_WINDOW = 1 << 20;

interface PackExports extends RegionExports {
  pack: (i: number, end: number) => number;
}
const instantiate = embeddedModule<PackExports>(PACK_ACGT_WASM);

export class AcgtPacker {
  private readonly input: Uint8Array;
  private readonly output: Uint8Array;
  private readonly exports: PackExports;

  constructor() {
    this.exports = instantiate();
    ({ input: this.input, output: this.output } = regionViews(this.exports, PACK_WINDOW, PACK_WINDOW >> 2));
  }

  /** Copies bases (at most PACK_WINDOW) into the window; returns the window view of them. */
  load(bases: Uint8Array): Uint8Array {
    this.input.set(bases);
    return this.input.subarray(0, bases.length);
  }

  /**
   * Packs window groups from i (a multiple of 4) up to end (a multiple of 4) while all four bases
   * are A, C, G or T, into out from o. Returns the index of the first group holding another
   * letter, or end.
   */
  pack(i: number, end: number, out: Uint8Array, o: number): number {
    const stop = this.exports.pack(i, end);
    if (stop > i) out.set(this.output.subarray(i >> 2, stop >> 2), o);
    return stop;
  }
}
