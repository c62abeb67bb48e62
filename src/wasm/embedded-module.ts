// WebAssembly modules embedded in the source as base64 (assembled from .wat files by
// scripts/build-wasm.mjs): compiled once per thread, instantiated per user.
export interface WasmGlobal {
  readonly value: number;
}
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

// The few WebAssembly API types used here (@types/node for Node 20 does not declare them).
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const { WebAssembly } = globalThis as unknown as { WebAssembly: WasmApi };

/** Compiles the module now; the returned function makes an instance (its own memory) and gives its exports. */
export function embeddedModule<Exports>(base64: string): () => Exports {
  const module = new WebAssembly.Module(Buffer.from(base64, 'base64'));
  return () => new WebAssembly.Instance(module).exports as Exports;
}

/** What every embedded module exports: its memory, and where its input and output regions start. */
export interface RegionExports {
  memory: WasmMemory;
  IN: WasmGlobal;
  OUT: WasmGlobal;
}

/** Views of a module's input and output regions, `inBytes` and `outBytes` long. */
export function regionViews(
  exports: RegionExports,
  inBytes: number,
  outBytes: number,
): { input: Uint8Array; output: Uint8Array } {
  const memory = exports.memory.buffer;
  return {
    input: new Uint8Array(memory, exports.IN.value, inBytes),
    output: new Uint8Array(memory, exports.OUT.value, outBytes),
  };
}
