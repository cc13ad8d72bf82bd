import type { IncomingMessage } from 'node:http';
import type { OriginCheck } from '../interfaces/channels-options.interface.js';
import { OptionValidator } from '../options/option-validator.js';

interface OriginPattern {
  scheme: string | null;
  host: string;
  wildcard: boolean;
  port: string | null;
}

const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443' };

const checkOrigin: OptionValidator = new OptionValidator('ChannelsModule').at('checkOrigin');

// Patterns: "https://example.com", "//example.com", "example.com", "https://*.example.com:8443".
// As in Phoenix, a scheme without a port means that scheme's default port; no scheme, any port.
// `index`: the pattern's place in the list, for the error message (`Array.map` passes it).
function parsePattern(pattern: string, index: number): OriginPattern {
  const match = /^(?:([a-z][a-z0-9+.-]*):)?(?:\/\/)?([^/:\s]+)(?::(\d+))?\/?$/i.exec(pattern.trim());
  const scheme = match?.[1]?.toLowerCase() ?? null;
  // Browsers only send http(s) origins; "localhost:4000" would otherwise parse as scheme "localhost".
  if (!match || (scheme !== null && !Object.hasOwn(DEFAULT_PORTS, scheme))) {
    checkOrigin.fail(
      `[${index}]`,
      'is not an origin',
      pattern,
      'Write an http(s) origin without a path: "https://example.com", "https://*.example.com:8443", "//localhost:4000" (any scheme) or "example.com" (any scheme and port).',
    );
  }
  const host = match[2].toLowerCase();
  const wildcard = host.startsWith('*.');
  const port = match[3] ?? (scheme ? DEFAULT_PORTS[scheme] : null);
  return { scheme, host: wildcard ? host.slice(2) : host, wildcard, port };
}

function parseOrigin(origin: string): URL | null {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

// A wildcard matches whole labels only: "*.example.com" matches "a.example.com" and
// "a.b.example.com" but never "evil-example.com" or "example.com" itself.
function hostMatches(pattern: OriginPattern, host: string): boolean {
  if (!pattern.wildcard) return host === pattern.host;
  return host.endsWith(`.${pattern.host}`);
}

function matchesPattern(pattern: OriginPattern, url: URL): boolean {
  if (pattern.scheme && `${pattern.scheme}:` !== url.protocol) return false;
  if (pattern.port && pattern.port !== (url.port || (url.protocol === 'https:' ? '443' : '80'))) return false;
  return hostMatches(pattern, url.hostname.toLowerCase());
}

/**
 * Builds the origin check of the WebSocket upgrade and long-poll requests. Requests without an
 * `Origin` header (non-browser clients) pass, as in Phoenix; `null` and non-http origins never do.
 */
export function createOriginCheck(check: OriginCheck): (request: IncomingMessage) => boolean {
  if (check === false) return () => true;
  if (typeof check === 'function') {
    return (request) => request.headers.origin === undefined || check(request.headers.origin, request);
  }
  const patterns = Array.isArray(check) ? check.map(parsePattern) : null;
  return (request) => {
    const origin = request.headers.origin;
    if (origin === undefined) return true;
    const url = parseOrigin(origin);
    if (!url) return false;
    if (patterns) return patterns.some((pattern) => matchesPattern(pattern, url));
    const host = request.headers.host?.toLowerCase();
    return host !== undefined && url.host.toLowerCase() === host;
  };
}
