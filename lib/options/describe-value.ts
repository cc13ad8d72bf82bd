const MAX_STRING = 60;
const MAX_ENTRIES = 3;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * A short, readable rendering of a value received, for error messages: `undefined`, `0`,
 * `"quoted strings"`, `["a", "b"]`, `{ redis: "redis://x", prefix: "" }`, `class Handler`. Long
 * strings and big containers are cut short; nested containers show as `[…]` and `{…}`; the
 * password of a URL shows as `***`.
 */
export function describeValue(value: unknown): string {
  return describe(value, 0);
}

function describe(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      return describeString(value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    case 'function':
      return describeFunction(value);
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return depth > 0 ? '[…]' : describeArray(value);
      return depth > 0 ? '{…}' : describeObject(value);
    default:
      // number, boolean, undefined: -0 reads as 0, NaN and Infinity as themselves.
      return String(value);
  }
}

// The password of a URL such as redis://user:password@host is left out.
function describeString(value: string): string {
  const safe = value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
  return JSON.stringify(safe.length > MAX_STRING ? `${safe.slice(0, MAX_STRING)}…` : safe);
}

function describeFunction(value: Function): string {
  const isClass = /^class\b/.test(Function.prototype.toString.call(value));
  return value.name ? `${isClass ? 'class' : 'function'} ${value.name}` : `an anonymous ${isClass ? 'class' : 'function'}`;
}

function describeArray(value: unknown[]): string {
  const shown = value.slice(0, MAX_ENTRIES).map((entry) => describe(entry, 1));
  if (value.length > MAX_ENTRIES) shown.push(`… ${value.length - MAX_ENTRIES} more`);
  return `[${shown.join(', ')}]`;
}

function describeObject(value: object): string {
  const prototype = Object.getPrototypeOf(value) as object | null;
  if (prototype !== null && prototype !== Object.prototype) {
    const name = (prototype.constructor as { name?: unknown } | undefined)?.name;
    return typeof name === 'string' && name ? `an instance of ${name}` : 'an object';
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return '{}';
  const shown = keys
    .slice(0, MAX_ENTRIES)
    .map((key) => `${IDENTIFIER.test(key) ? key : JSON.stringify(key)}: ${describe((value as Record<string, unknown>)[key], 1)}`);
  if (keys.length > MAX_ENTRIES) shown.push(`… ${keys.length - MAX_ENTRIES} more`);
  return `{ ${shown.join(', ')} }`;
}

/** What a value is, without showing it: `a string`, `a number`, `an array`, `null`... */
export function describeKind(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  const kind = typeof value;
  return kind === 'object' || kind === 'undefined' ? `an ${kind}` : `a ${kind}`;
}

/** A secret as an error message may show it: its kind and size, never its content. */
export function describeSecret(value: unknown): string {
  if (typeof value === 'string') return `a string of ${Buffer.byteLength(value, 'utf8')} bytes`;
  if (value instanceof Uint8Array) return `a ${value.constructor.name} of ${value.byteLength} bytes`;
  return describeKind(value);
}
