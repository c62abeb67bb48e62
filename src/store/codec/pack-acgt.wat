;; The 2-bit encoder's fast path (see pack-acgt.ts, which embeds the assembled module): pack
;; runs of plain A/C/G/T bases four to a byte, 64 (then 16, then 4) bases per step with SIMD.
;; Assemble with `node scripts/build-wasm.mjs` (needs wat2wasm from Debian's wabt package).
;;
;; Memory: the input window at $IN, the packed output at $OUT; group g (bases 4g..4g+3 of the
;; window) packs into byte g of the output, first base in the high bits (A=0 C=1 G=2 T=3).
;;
;; pack(i, end): i and end are multiples of 4. Packs groups from i while all four bases are A, C,
;; G or T; returns the index of the first group holding another letter, or end.
(module
  (memory (export "memory") 21)
  (global $IN (export "IN") i32 (i32.const 0))
  (global $OUT (export "OUT") i32 (i32.const 1048640)) ;; 1 MiB + 64

  (func (export "pack") (param $i i32) (param $end i32) (result i32)
    (local $v v128) (local $c v128) (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $three v128) (local $letters v128) (local $low4 v128) (local $weights v128) (local $t v128) (local $w i32) (local $k i32) (local $lo i32) (local $hi i32)
    ;; Constants of the 64-base loop (in locals so that they are materialised once).
    (local.set $three (v128.const i8x16 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3))
    (local.set $letters (v128.const i8x16 0x41 0x43 0x47 0x54 0 0 0 0 0 0 0 0 0 0 0 0))
    (local.set $low4 (v128.const i16x8 0x0f 0x0f 0x0f 0x0f 0x0f 0x0f 0x0f 0x0f))
    (local.set $weights (v128.const i16x8 16 1 16 1 16 1 16 1))
    ;; 64 bases per step: four blocks checked together, their codes packed into one 16-byte store.
    ;; Per block as in the 16-base loop below, except that the last step, pairing the 4-bit
    ;; halves into bytes, is one dot product: (c0c1 << 4) | c2c3 = c0c1 * 16 + c2c3.
    (block $wider
      (loop $next64
        (br_if $wider (i32.gt_u (i32.add (local.get $i) (i32.const 64)) (local.get $end)))
        (local.set $v0 (v128.load (i32.add (global.get $IN) (local.get $i))))
        (local.set $v1 (v128.load offset=16 (i32.add (global.get $IN) (local.get $i))))
        (local.set $v2 (v128.load offset=32 (i32.add (global.get $IN) (local.get $i))))
        (local.set $v3 (v128.load offset=48 (i32.add (global.get $IN) (local.get $i))))
        (local.set $c0 (v128.and (v128.xor (i8x16.shr_u (local.get $v0) (i32.const 1)) (i8x16.shr_u (local.get $v0) (i32.const 2))) (local.get $three)))
        (local.set $c1 (v128.and (v128.xor (i8x16.shr_u (local.get $v1) (i32.const 1)) (i8x16.shr_u (local.get $v1) (i32.const 2))) (local.get $three)))
        (local.set $c2 (v128.and (v128.xor (i8x16.shr_u (local.get $v2) (i32.const 1)) (i8x16.shr_u (local.get $v2) (i32.const 2))) (local.get $three)))
        (local.set $c3 (v128.and (v128.xor (i8x16.shr_u (local.get $v3) (i32.const 1)) (i8x16.shr_u (local.get $v3) (i32.const 2))) (local.get $three)))
        ;; A block with another letter: leave it to the 16-base loop, which finds the group.
        (br_if $wider (i32.eqz (i8x16.all_true (v128.and
          (v128.and (i8x16.eq (local.get $v0) (i8x16.swizzle (local.get $letters) (local.get $c0))) (i8x16.eq (local.get $v1) (i8x16.swizzle (local.get $letters) (local.get $c1))))
          (v128.and (i8x16.eq (local.get $v2) (i8x16.swizzle (local.get $letters) (local.get $c2))) (i8x16.eq (local.get $v3) (i8x16.swizzle (local.get $letters) (local.get $c3))))))))
        (v128.store (i32.add (global.get $OUT) (i32.shr_u (local.get $i) (i32.const 2)))
          (i8x16.narrow_i16x8_u
            (i16x8.narrow_i32x4_u (i32x4.dot_i16x8_s (v128.and (v128.or (i16x8.shl (local.get $c0) (i32.const 2)) (i16x8.shr_u (local.get $c0) (i32.const 8))) (local.get $low4)) (local.get $weights)) (i32x4.dot_i16x8_s (v128.and (v128.or (i16x8.shl (local.get $c1) (i32.const 2)) (i16x8.shr_u (local.get $c1) (i32.const 8))) (local.get $low4)) (local.get $weights)))
            (i16x8.narrow_i32x4_u (i32x4.dot_i16x8_s (v128.and (v128.or (i16x8.shl (local.get $c2) (i32.const 2)) (i16x8.shr_u (local.get $c2) (i32.const 8))) (local.get $low4)) (local.get $weights)) (i32x4.dot_i16x8_s (v128.and (v128.or (i16x8.shl (local.get $c3) (i32.const 2)) (i16x8.shr_u (local.get $c3) (i32.const 8))) (local.get $low4)) (local.get $weights)))))
        (local.set $i (i32.add (local.get $i) (i32.const 64)))
        (br $next64)))
    ;; 16 bases per step.
    (block $wide
      (loop $next
        (br_if $wide (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $end)))
        (local.set $v (v128.load (i32.add (global.get $IN) (local.get $i))))
        ;; For A C G T (0x41 0x43 0x47 0x54): bits 1-2 XOR bits 2-3 give 0 1 2 3.
        (local.set $c (v128.and
          (v128.xor (i8x16.shr_u (local.get $v) (i32.const 1)) (i8x16.shr_u (local.get $v) (i32.const 2)))
          (v128.const i8x16 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3)))
        ;; All 16 were A/C/G/T iff the letters of their codes give back the input.
        (br_if $wide (i32.eqz (i8x16.all_true (i8x16.eq (local.get $v)
          (i8x16.swizzle (v128.const i8x16 0x41 0x43 0x47 0x54 0 0 0 0 0 0 0 0 0 0 0 0) (local.get $c))))))
        ;; Pairs of codes (bytes 2k, 2k+1) into 4 bits: (c0 << 2) | c1 in each 16-bit lane ...
        (local.set $t (v128.and
          (v128.or (i16x8.shl (local.get $c) (i32.const 2)) (i16x8.shr_u (local.get $c) (i32.const 8)))
          (v128.const i16x8 0x0f 0x0f 0x0f 0x0f 0x0f 0x0f 0x0f 0x0f)))
        ;; ... then pairs of those into a byte in each 32-bit lane: (c0c1 << 4) | c2c3.
        (local.set $t (v128.and
          (v128.or (i32x4.shl (local.get $t) (i32.const 4)) (i32x4.shr_u (local.get $t) (i32.const 16)))
          (v128.const i32x4 0xff 0xff 0xff 0xff)))
        ;; Narrow the four 32-bit lanes to four bytes and store them.
        (local.set $t (i16x8.narrow_i32x4_u (local.get $t) (local.get $t)))
        (local.set $t (i8x16.narrow_i16x8_u (local.get $t) (local.get $t)))
        (i32.store (i32.add (global.get $OUT) (i32.shr_u (local.get $i) (i32.const 2)))
          (i32x4.extract_lane 0 (local.get $t)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))
    ;; Four bases per step, for the rest or from the block that held another letter.
    (block $done
      (loop $group
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $w (i32.load (i32.add (global.get $IN) (local.get $i))))
        (local.set $k (i32.and
          (i32.xor (i32.shr_u (local.get $w) (i32.const 1)) (i32.shr_u (local.get $w) (i32.const 2)))
          (i32.const 0x03030303)))
        (local.set $lo (i32.and (local.get $k) (i32.const 0x01010101)))
        (local.set $hi (i32.and (i32.shr_u (local.get $k) (i32.const 1)) (i32.const 0x01010101)))
        ;; The letters of the codes: 0x41 + (0, 2, 6, 19).
        (br_if $done (i32.ne (local.get $w)
          (i32.add (i32.const 0x41414141)
            (i32.add (i32.mul (local.get $lo) (i32.const 2))
              (i32.add (i32.mul (local.get $hi) (i32.const 6))
                (i32.mul (i32.and (local.get $lo) (local.get $hi)) (i32.const 11)))))))
        (i32.store8 (i32.add (global.get $OUT) (i32.shr_u (local.get $i) (i32.const 2)))
          (i32.or (i32.or (i32.shl (local.get $k) (i32.const 6)) (i32.shr_u (local.get $k) (i32.const 4)))
            (i32.or (i32.shr_u (local.get $k) (i32.const 14)) (i32.shr_u (local.get $k) (i32.const 24)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $group)))
    (local.get $i))
)
