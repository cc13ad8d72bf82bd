import { inspect } from 'node:util';
import { isAsymmetricMatcher } from './match-payload.js';

/** Prints jest asymmetric matchers by their own description, e.g. `Any<String>`. */
class MatcherLabel {
  constructor(private readonly label: string) {}
  [inspect.custom](): string {
    return this.label;
  }
}

function labelMatchers(value: unknown, seen = new Set<unknown>()): unknown {
  if (isAsymmetricMatcher(value)) {
    const matcher = value as { toAsymmetricMatcher?: () => string; toString(): string };
    return new MatcherLabel(matcher.toAsymmetricMatcher?.() ?? matcher.toString());
  }
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value) || seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => labelMatchers(item, seen));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, labelMatchers(item, seen)]));
}

/** One line, bounded depth: payloads in failure messages stay readable. */
export function formatPayload(value: unknown): string {
  return inspect(labelMatchers(value), { depth: 6, breakLength: Infinity, compact: true, maxStringLength: 500 });
}

/** ` matching <payload>` when a payload was given, else nothing. */
export function describeExpected(payload: unknown): string {
  return payload === undefined ? '' : ` matching ${formatPayload(payload)}`;
}

/** An indented list of what arrived, or `(nothing)`. */
export function formatList(lines: string[]): string {
  return lines.length === 0 ? '\n  (nothing)' : lines.map((line) => `\n  ${line}`).join('');
}
