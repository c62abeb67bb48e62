// The FASTA parser's hot loop in WebAssembly (scan-body.wat, SIMD): sequence bytes are checked
// and upper-cased 16 at a time, several times faster than the best plain-JS loop. The parser
// copies each input window into the module's memory and reads the normalised bases from it in
// place (the output region is the parser's scratch buffer).
import { embeddedModule, regionViews, type RegionExports, type WasmGlobal } from '../wasm/embedded-module.js';
import { SCAN_BODY_WASM } from './scan-body-wasm.js';

/** Largest input window per call, and the size of the output region. */
export const SCAN_WINDOW = 1 << 20;

interface ScanExports extends RegionExports {
  scan: (i: number, n: number, o: number, line: number) => number;
  out: WasmGlobal;
  line: WasmGlobal;
}
const instantiate = embeddedModule<ScanExports>(SCAN_BODY_WASM);

export class BodyScanner {
  /** The output region: normalised bases are written here (SCAN_WINDOW bytes, reused). */
  readonly output: Buffer;
  /** After scan(): the output position and line number reached. */
  outPos = 0;
  line = 0;
  private readonly input: Uint8Array;
  private readonly exports: ScanExports;
  /** The current chunk, and which part of it is in the module's input window. */
  private src: Uint8Array = new Uint8Array(0);
  private loadStart = 0;
  private loadEnd = 0;

  /** `classes`: byte → its upper-case letter, or 0 (drop), 1 (line feed), 2 (invalid). */
  constructor(classes: Uint8Array) {
    this.exports = instantiate();
    new Uint8Array(this.exports.memory.buffer, 0, 256).set(classes);
    const { input, output } = regionViews(this.exports, SCAN_WINDOW, SCAN_WINDOW);
    this.input = input;
    this.output = Buffer.from(output.buffer, output.byteOffset, output.length);
  }

  /** Starts on a new input chunk: what was copied from the previous one is stale. */
  begin(src: Uint8Array): void {
    this.src = src;
    this.loadStart = 0;
    this.loadEnd = 0;
  }

  /**
   * Translates src[i, stop) of the chunk given to begin() into output from o, as far as one
   * window reaches. Returns the index after a line feed followed by '>' or ending the window,
   * the window's end when done, or -1 - j for an invalid byte at j (indexes into src). Sets
   * outPos and line. The chunk is copied into the module window by window, once: a chunk of many
   * short records is scanned record by record from the same copy.
   */
  scan(i: number, stop: number, o: number, line: number): number {
    if (i < this.loadStart || i >= this.loadEnd) {
      this.loadStart = i;
      this.loadEnd = Math.min(this.src.length, i + SCAN_WINDOW);
      this.input.set(this.src.subarray(this.loadStart, this.loadEnd));
    }
    const base = this.loadStart;
    const r = this.exports.scan(i - base, Math.min(stop, this.loadEnd) - base, o, line);
    this.outPos = this.exports.out.value;
    this.line = this.exports.line.value;
    return r < 0 ? r - base : r + base;
  }
}
