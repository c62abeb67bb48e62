;; The FASTA parser's hot loop (see scan-body.ts, which embeds the assembled module): translate
;; sequence bytes of the input window into normalised bases, 16 bytes at a time with SIMD.
;; Assemble with `node scripts/build-wasm.mjs` (needs wat2wasm from Debian's wabt package).
;;
;; Memory: [0, 256) byte-class table (filled by the host); the input window at $IN; the output
;; at $OUT. Both regions have 16 bytes of slack, because the vector store writes a whole
;; 16-byte block even when only its first k bytes are bases.
;;
;; scan(i, n, o, line): translate input [i, n) to output from o, counting line feeds.
;; Returns the index after a line feed that is followed by '>' or ends the window, n when the
;; window is done, or -1 - j for an invalid byte at j. Sets $out (new o) and $line (new line).
;; Byte classes: a letter maps to its upper-case byte (>= 0x41); 0 = drop; 1 = LF; 2 = invalid.
(module
  (memory (export "memory") 34)
  (global $out (export "out") (mut i32) (i32.const 0))
  (global $line (export "line") (mut i32) (i32.const 0))
  (global $IN (export "IN") i32 (i32.const 1024))
  (global $OUT (export "OUT") i32 (i32.const 1049664)) ;; 1024 + 1 MiB + 64

  (func (export "scan") (param $i i32) (param $n i32) (param $o i32) (param $line i32) (result i32)
    (local $j i32) (local $v v128) (local $bits i32) (local $k i32) (local $m i32) (local $c i32)
    (local.set $j (local.get $i))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $j) (local.get $n)))
        ;; A whole block of 16 input bytes left: test all of them for letters at once.
        (if (i32.le_u (i32.add (local.get $j) (i32.const 16)) (local.get $n))
          (then
            (local.set $v (v128.load (i32.add (global.get $IN) (local.get $j))))
            ;; Upper-case (clear bit 5) and store all 16; only the letter prefix is kept.
            (v128.store (i32.add (global.get $OUT) (local.get $o))
              (v128.and (local.get $v) (v128.const i8x16 0xdf 0xdf 0xdf 0xdf 0xdf 0xdf 0xdf 0xdf 0xdf 0xdf 0xdf 0xdf 0xdf 0xdf 0xdf 0xdf)))
            ;; letter <=> (byte | 0x20) - 0x61 < 26, unsigned (bytes >= 0x80 fail it too)
            (local.set $bits (i8x16.bitmask
              (i8x16.lt_u
                (i8x16.sub
                  (v128.or (local.get $v) (v128.const i8x16 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20))
                  (v128.const i8x16 0x61 0x61 0x61 0x61 0x61 0x61 0x61 0x61 0x61 0x61 0x61 0x61 0x61 0x61 0x61 0x61))
                (v128.const i8x16 26 26 26 26 26 26 26 26 26 26 26 26 26 26 26 26))))
            (if (i32.eq (local.get $bits) (i32.const 0xffff))
              (then
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (local.set $o (i32.add (local.get $o) (i32.const 16)))
                (br $next)))
            (local.set $m (i32.xor (local.get $bits) (i32.const 0xffff)))
            (local.set $k (i32.ctz (local.get $m)))
            ;; The common case in a wrapped FASTA: one line feed, not the block's last byte (so the
            ;; next byte is a letter, not '>'). Store the letters after it over it: the block
            ;; shifted down by k + 1 (swizzle gives 0 for lanes past the end), from o + k.
            (if (i32.and
                  (i32.and (i32.eq (i32.popcnt (local.get $m)) (i32.const 1)) (i32.lt_u (local.get $k) (i32.const 15)))
                  (i32.eq (i32.load8_u (i32.add (global.get $IN) (i32.add (local.get $j) (local.get $k)))) (i32.const 0x0a)))
              (then
                (v128.store (i32.add (global.get $OUT) (i32.add (local.get $o) (local.get $k)))
                  (i8x16.swizzle
                    (v128.and (local.get $v) (v128.const i8x16 0xdf 0xdf 0xdf 0xdf 0xdf 0xdf 0xdf 0xdf 0xdf 0xdf 0xdf 0xdf 0xdf 0xdf 0xdf 0xdf))
                    (i8x16.add (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
                      (i8x16.splat (i32.add (local.get $k) (i32.const 1))))))
                (local.set $line (i32.add (local.get $line) (i32.const 1)))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (local.set $o (i32.add (local.get $o) (i32.const 15)))
                (br $next)))
            ;; Otherwise keep the letters before the first other byte, then handle that byte below.
            (local.set $j (i32.add (local.get $j) (local.get $k)))
            (local.set $o (i32.add (local.get $o) (local.get $k)))))
        ;; One byte through the class table.
        (local.set $c (i32.load8_u (i32.load8_u (i32.add (global.get $IN) (local.get $j)))))
        (if (i32.ge_u (local.get $c) (i32.const 0x41))
          (then
            (i32.store8 (i32.add (global.get $OUT) (local.get $o)) (local.get $c))
            (local.set $o (i32.add (local.get $o) (i32.const 1)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $next)))
        (if (i32.eq (local.get $c) (i32.const 1))
          (then
            (local.set $line (i32.add (local.get $line) (i32.const 1)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            ;; A line feed that ends the window or precedes '>' ends the body scan.
            (if (i32.eq (local.get $j) (local.get $n))
              (then (global.set $out (local.get $o)) (global.set $line (local.get $line)) (return (local.get $j))))
            (if (i32.eq (i32.load8_u (i32.add (global.get $IN) (local.get $j))) (i32.const 0x3e))
              (then (global.set $out (local.get $o)) (global.set $line (local.get $line)) (return (local.get $j))))
            (br $next)))
        (if (i32.eq (local.get $c) (i32.const 2))
          (then
            (global.set $out (local.get $o))
            (global.set $line (local.get $line))
            (return (i32.sub (i32.const -1) (local.get $j)))))
        ;; Dropped (printable non-letter, TAB, CR).
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $next)))
    (global.set $out (local.get $o))
    (global.set $line (local.get $line))
    (local.get $n))
)
