import { isBinaryPayload, toBuffer } from '../protocol/messages.js';

/** A jest asymmetric matcher (`expect.any(String)`, `expect.stringContaining('x')`, ...). */
interface AsymmetricMatcher {
  asymmetricMatch(actual: unknown): boolean;
}

export function isAsymmetricMatcher(value: unknown): value is AsymmetricMatcher {
  return typeof value === 'object' && value !== null && typeof (value as AsymmetricMatcher).asymmetricMatch === 'function';
}

/**
 * Subset matching, as jest's `toMatchObject`: every key of an `expected` object must match in
 * `actual` (extra keys in `actual` are fine, at any depth); arrays match element by element and
 * must have the same length; bytes match byte for byte; jest asymmetric matchers are honoured.
 * An `expected` of `undefined` matches anything.
 * @publicApi
 */
export function matchesPayload(actual: unknown, expected: unknown): boolean {
  if (expected === undefined) return true;
  return matches(actual, expected);
}

function matches(actual: unknown, expected: unknown): boolean {
  if (isAsymmetricMatcher(expected)) return expected.asymmetricMatch(actual);
  if (isBinaryPayload(expected)) return isBinaryPayload(actual) && toBuffer(actual).equals(toBuffer(expected));
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((item, i) => matches(actual[i], item));
  }
  if (expected instanceof Date) return actual instanceof Date && actual.getTime() === expected.getTime();
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
    const record = actual as Record<string, unknown>;
    return Object.entries(expected).every(([key, value]) => matches(record[key], value));
  }
  return Object.is(actual, expected);
}
