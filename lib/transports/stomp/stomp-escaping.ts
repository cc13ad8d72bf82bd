import type { StompVersion } from './stomp-frame.js';

/** How header names and values are escaped: not at all (1.0, and CONNECT/CONNECTED), or STOMP 1.1/1.2's backslash escapes. */
export type HeaderEscaping = 'none' | 'escaped';

export function escapingOf(version: StompVersion): HeaderEscaping {
  return version === '1.0' ? 'none' : 'escaped';
}

const NEEDS_ESCAPE = /[\\\r\n:]/;

/**
 * Escapes a header name or value (STOMP 1.2): `\` `\r` `\n` `:` become `\\` `\r` `\n` `\c`.
 * 1.1 has no `\r` escape; a carriage return in a header is rare enough to share the 1.2 form.
 */
export function escapeHeader(value: string, escaping: HeaderEscaping): string {
  if (escaping === 'none') {
    // 1.0 cannot carry a line break in a header: it would end the line.
    return /[\r\n]/.test(value) ? value.replace(/[\r\n]/g, ' ') : value;
  }
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/[\\\r\n:]/g, (char) => ESCAPES[char]!);
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\r': '\\r', '\n': '\\n', ':': '\\c' };
const UNESCAPES: Record<string, string> = { '\\': '\\', r: '\r', n: '\n', c: ':' };

/** Undoes {@link escapeHeader}; null for an escape STOMP 1.2 does not define (it is a fatal protocol error). */
export function unescapeHeader(value: string, escaping: HeaderEscaping): string | null {
  if (escaping === 'none' || !value.includes('\\')) return value;
  let result = '';
  for (let index = 0; index < value.length; index++) {
    const char = value[index]!;
    if (char !== '\\') {
      result += char;
      continue;
    }
    const replacement = UNESCAPES[value[index + 1] ?? ''];
    if (replacement === undefined) return null;
    result += replacement;
    index++;
  }
  return result;
}
