/** Keys Nest's `ValidationPipe` deletes from a value before validating it (`stripProtoKeys`). */
const STRIPPED_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

/**
 * Whether `value` is an object such as `JSON.parse` makes, on which `ValidationPipe`'s in-place
 * clean-up (prototype keys stripped, sparse arrays closed) would change nothing: plain objects
 * without those keys, dense arrays, strings, numbers, booleans and null, at most `depth` levels deep.
 */
export function isPlainJsonObject(value: unknown, depth: number): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && isPlainJson(value, depth);
}

function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth <= 0) return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let i = 0; i < value.length; i++) {
      if (!(i in value) || !isPlainJson(value[i], depth - 1)) return false;
    }
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) {
    if (STRIPPED_KEYS.has(key) || !isPlainJson((value as Record<string, unknown>)[key], depth - 1)) return false;
  }
  return true;
}
