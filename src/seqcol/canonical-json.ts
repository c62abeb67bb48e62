// RFC 8785 JSON Canonicalization Scheme (JCS) for the JSON values seqcol digests (spec §3.2).

/**
 * Serialise `value` as RFC 8785 canonical JSON: no whitespace, object keys sorted by UTF-16 code
 * units, arrays in their given order, non-ASCII left unescaped.
 *
 * Supported: strings, finite numbers, booleans, null, arrays and plain objects (prototype
 * `Object.prototype` or `null`). Anything else — `undefined`, functions, symbols, bigints,
 * non-finite numbers, class instances (Date, Map, Buffer…), cycles — throws a TypeError rather
 * than being skipped or coerced as `JSON.stringify` would, because a silently different string
 * would give a silently different digest.
 */
export function canonicalJson(value: unknown): string {
  return serialise(value, new Set<object>());
}

/** True for the values whose JSON.stringify output is already their JCS form. */
function isJcsPrimitive(x: unknown): boolean {
  return typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x)) || typeof x === 'boolean' || x === null;
}

/** An indexed loop, not `every`: a hole reads as undefined and so sends the array down the checked path. */
function allJcsPrimitives(array: readonly unknown[]): boolean {
  for (let i = 0; i < array.length; i++) if (!isJcsPrimitive(array[i])) return false;
  return true;
}

function serialise(value: unknown, ancestors: Set<object>): string {
  switch (typeof value) {
    case 'string':
      // JCS §3.2.2.2 prescribes exactly ECMAScript's JSON string quoting: only `"`, `\` and
      // controls are escaped, everything else (including non-ASCII) is emitted as is.
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number ${value}`);
      // JCS §3.2.2.3 prescribes ECMAScript's Number-to-string, which JSON.stringify uses (and it
      // maps -0 to "0" as JCS requires). Integers below 2^53 print as plain digits.
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJson: unsupported type ${typeof value}`);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    // Fast path for the common seqcol arrays (names, lengths, sequence ids): when every element
    // is a primitive, the native serialiser produces the canonical form several times faster.
    if (allJcsPrimitives(value)) return JSON.stringify(value);
    if (ancestors.has(value)) throw new TypeError('canonicalJson: cyclic structure');
    ancestors.add(value);
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      // Holes in sparse arrays read as undefined and are rejected like any undefined.
      out += serialise(value[i], ancestors);
    }
    ancestors.delete(value);
    return out + ']';
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    throw new TypeError(`canonicalJson: unsupported object ${typeof name === 'string' ? name : '(unknown class)'}`);
  }
  if (ancestors.has(value)) throw new TypeError('canonicalJson: cyclic structure');
  ancestors.add(value);
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, which is exactly RFC 8785 §3.2.3's key order.
  const keys = Object.keys(record).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (i > 0) out += ',';
    out += JSON.stringify(key) + ':' + serialise(record[key], ancestors);
  }
  ancestors.delete(value);
  return out + '}';
}
