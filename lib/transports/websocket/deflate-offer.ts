/** The permessage-deflate offer the server takes (RFC 7692), rewritten for `ws` to answer. */
export interface AcceptedDeflateOffer {
  /** The one offer kept, as `Sec-WebSocket-Extensions` for `ws` to negotiate from. */
  readonly header: string;
  /** The LZ77 window the server may use: the client's `server_max_window_bits`, else 15. */
  readonly serverWindowBits: number;
}

const EXTENSION = 'permessage-deflate';
const MAX_WINDOW_BITS = 15;
/** zlib cannot write raw deflate with a 256-byte window (it silently uses 512): such offers are declined. */
const MIN_SERVER_WINDOW_BITS = 9;
const MAX_HEADER_LENGTH = 1024;

/**
 * Picks the first permessage-deflate offer of `Sec-WebSocket-Extensions` the server can honour,
 * or `undefined` to decline the extension (the connection then goes on uncompressed). Written
 * here because `ws` does not export its parser, and answers HTTP 400 to an offer it cannot
 * accept where RFC 7692 lets the server simply leave the extension out.
 */
export function acceptDeflateOffer(header: string | string[] | undefined): AcceptedDeflateOffer | undefined {
  const text = Array.isArray(header) ? header.join(',') : header;
  if (!text || text.length > MAX_HEADER_LENGTH) return undefined;
  for (const extension of text.split(',')) {
    const [name, ...rawParams] = extension.split(';').map((part) => part.trim());
    if (name?.toLowerCase() !== EXTENSION) continue;
    const accepted = acceptParams(rawParams);
    if (accepted) return accepted;
  }
  return undefined;
}

function acceptParams(rawParams: string[]): AcceptedDeflateOffer | undefined {
  const params = new Map<string, string | true>();
  for (const raw of rawParams) {
    const equals = raw.indexOf('=');
    const key = (equals < 0 ? raw : raw.slice(0, equals)).trim().toLowerCase();
    const value = equals < 0 ? true : unquote(raw.slice(equals + 1).trim());
    if (!key || params.has(key)) return undefined;
    params.set(key, value);
  }
  let serverWindowBits = MAX_WINDOW_BITS;
  const kept: string[] = [];
  for (const [key, value] of params) {
    switch (key) {
      case 'server_no_context_takeover':
      case 'client_no_context_takeover':
        if (value !== true) return undefined;
        kept.push(key);
        break;
      case 'server_max_window_bits': {
        const bits = windowBits(value);
        if (bits === undefined || bits < MIN_SERVER_WINDOW_BITS) return undefined;
        serverWindowBits = bits;
        kept.push(`${key}=${bits}`);
        break;
      }
      case 'client_max_window_bits': {
        if (value === true) {
          kept.push(key);
          break;
        }
        const bits = windowBits(value);
        if (bits === undefined) return undefined;
        kept.push(`${key}=${bits}`);
        break;
      }
      default:
        return undefined;
    }
  }
  return { header: [EXTENSION, ...kept].join('; '), serverWindowBits };
}

function windowBits(value: string | true): number | undefined {
  if (value === true || !/^\d{1,2}$/.test(value)) return undefined;
  const bits = Number(value);
  return bits >= 8 && bits <= MAX_WINDOW_BITS ? bits : undefined;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}
