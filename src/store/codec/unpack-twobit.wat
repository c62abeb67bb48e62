;; The 2-bit decoder's hot loop (see unpack-twobit.ts, which embeds the assembled module): expand
;; packed bytes into their four ASCII bases, 16 packed bytes (64 bases) per step with SIMD.
;; Assemble with `node scripts/build-wasm.mjs` (needs wat2wasm from Debian's wabt package).
;;
;; Memory: packed input at $IN (up to 16 KiB), ASCII output at $OUT (four bytes per input byte);
;; each region has 64 bytes of slack, so the last step may read and write past the end.
;; Byte b expands to the letters of its four 2-bit codes, high bits first (A=0 C=1 G=2 T=3).
;;
;; unpack(n): expands input bytes [0, n) to output bytes [0, 4n).
(module
  (memory (export "memory") 2)
  (global $IN (export "IN") i32 (i32.const 0))
  (global $OUT (export "OUT") i32 (i32.const 16448)) ;; 16 KiB + 64

  (func (export "unpack") (param $n i32)
    (local $i i32) (local $o i32) (local $p v128)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128)
    (local $ab v128) (local $cd v128)
    (local.set $o (global.get $OUT))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $p (v128.load (i32.add (global.get $IN) (local.get $i))))
        ;; The letter of each base position, 16 bytes at a time: codes by shift and mask, then
        ;; a table lookup (swizzle) into "ACGT".
        (local.set $a (i8x16.swizzle (v128.const i8x16 0x41 0x43 0x47 0x54 0 0 0 0 0 0 0 0 0 0 0 0)
          (i8x16.shr_u (local.get $p) (i32.const 6))))
        (local.set $b (i8x16.swizzle (v128.const i8x16 0x41 0x43 0x47 0x54 0 0 0 0 0 0 0 0 0 0 0 0)
          (v128.and (i8x16.shr_u (local.get $p) (i32.const 4)) (v128.const i8x16 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3))))
        (local.set $c (i8x16.swizzle (v128.const i8x16 0x41 0x43 0x47 0x54 0 0 0 0 0 0 0 0 0 0 0 0)
          (v128.and (i8x16.shr_u (local.get $p) (i32.const 2)) (v128.const i8x16 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3))))
        (local.set $d (i8x16.swizzle (v128.const i8x16 0x41 0x43 0x47 0x54 0 0 0 0 0 0 0 0 0 0 0 0)
          (v128.and (local.get $p) (v128.const i8x16 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3))))
        ;; Interleave: pairs a_k b_k and c_k d_k, then those pairs into a_k b_k c_k d_k.
        ;; Packed bytes 0-7 (output bytes 0-31):
        (local.set $ab (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23 (local.get $a) (local.get $b)))
        (local.set $cd (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23 (local.get $c) (local.get $d)))
        (v128.store (local.get $o)
          (i8x16.shuffle 0 1 16 17 2 3 18 19 4 5 20 21 6 7 22 23 (local.get $ab) (local.get $cd)))
        (v128.store offset=16 (local.get $o)
          (i8x16.shuffle 8 9 24 25 10 11 26 27 12 13 28 29 14 15 30 31 (local.get $ab) (local.get $cd)))
        ;; Packed bytes 8-15 (output bytes 32-63):
        (local.set $ab (i8x16.shuffle 8 24 9 25 10 26 11 27 12 28 13 29 14 30 15 31 (local.get $a) (local.get $b)))
        (local.set $cd (i8x16.shuffle 8 24 9 25 10 26 11 27 12 28 13 29 14 30 15 31 (local.get $c) (local.get $d)))
        (v128.store offset=32 (local.get $o)
          (i8x16.shuffle 0 1 16 17 2 3 18 19 4 5 20 21 6 7 22 23 (local.get $ab) (local.get $cd)))
        (v128.store offset=48 (local.get $o)
          (i8x16.shuffle 8 9 24 25 10 11 26 27 12 13 28 29 14 15 30 31 (local.get $ab) (local.get $cd)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (local.set $o (i32.add (local.get $o) (i32.const 64)))
        (br $next))))
)
