import { Socket as PhoenixSocket } from 'phoenix';
import { AUTH_TOKEN_PROTOCOL_PREFIX, parseParams, parseProtocols } from '../../lib/transports/handshake.js';

/** What the phoenix 1.8 client hands its WebSocket constructor: the URL and the subprotocols. */
function clientHandshake(options: { authToken?: string; params?: Record<string, unknown> }): { url: URL; protocols?: string[] } {
  let opened: { url: URL; protocols?: string[] } | undefined;
  class RecordingTransport {
    readyState = 0; // connecting
    constructor(url: string, protocols?: string[]) {
      opened = { url: new URL(url), protocols };
    }
    close(): void {
      this.readyState = 3; // closed: the client's teardown stops waiting at once
    }
  }
  const socket = new PhoenixSocket('ws://127.0.0.1:1/socket', { transport: RecordingTransport, ...options } as any);
  socket.connect();
  socket.disconnect();
  return opened!;
}

/** The header `ws` sends for a list of subprotocols. */
function header(protocols: string[] | undefined): string | undefined {
  return protocols?.join(', ');
}

describe('parseProtocols', () => {
  test('no header: no protocols, no token', () => {
    expect(parseProtocols(undefined)).toEqual({ protocols: [], authToken: undefined });
    expect(parseProtocols('')).toEqual({ protocols: [], authToken: undefined });
  });

  test('a client without authToken offers no token', () => {
    expect(clientHandshake({}).protocols).toBeUndefined();
    expect(parseProtocols('phoenix')).toEqual({ protocols: ['phoenix'], authToken: undefined });
  });

  test.each([
    ['a short token', 'secret'],
    ['a one-byte token (two "=" of padding removed)', 'a'],
    ['a two-byte token (one "=" removed)', 'ab'],
    ['a token with no padding', 'abc'],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl-_'],
    ['a token whose base64 holds "+" and "/"', '>>>???'],
    ['a token of bytes above 0x7f', '\u00fb\u00ff\u00bf\u0080'],
    ['a Latin-1 token', 'café crème'],
    ['a token with spaces and punctuation', 'a b,c;d=e'],
  ])('decodes %s exactly as the phoenix 1.8 client encodes it', (_case, token) => {
    const { protocols } = clientHandshake({ authToken: token });
    expect(protocols).toHaveLength(2);
    expect(protocols![0]).toBe('phoenix');
    expect(protocols![1].startsWith(AUTH_TOKEN_PROTOCOL_PREFIX)).toBe(true);
    expect(parseProtocols(header(protocols))).toEqual({ protocols, authToken: token });
  });

  test('decodes the documented encoding: standard base64 without "=" padding', () => {
    const encoded = Buffer.from('my-token?', 'latin1').toString('base64').replace(/=/g, '');
    expect(parseProtocols(`phoenix, ${AUTH_TOKEN_PROTOCOL_PREFIX}${encoded}`).authToken).toBe('my-token?');
  });

  test('trims entries and drops empty ones', () => {
    expect(parseProtocols(' phoenix ,, other,').protocols).toEqual(['phoenix', 'other']);
  });

  test('an empty token decodes to an empty string', () => {
    expect(parseProtocols(`phoenix, ${AUTH_TOKEN_PROTOCOL_PREFIX}`).authToken).toBe('');
  });
});

describe('parseParams', () => {
  test('reads the params and vsn the phoenix client puts in the URL', () => {
    const { url } = clientHandshake({ params: { token: 'a b&c=d', user_id: 42, name: 'zoë' } });
    expect(url.pathname).toBe('/socket/websocket');
    expect({ ...parseParams(url.searchParams) }).toEqual({ token: 'a b&c=d', user_id: '42', name: 'zoë', vsn: '2.0.0' });
  });

  test('keeps the last value of a repeated key', () => {
    expect({ ...parseParams(new URLSearchParams('a=1&a=2&b=3')) }).toEqual({ a: '2', b: '3' });
  });

  test('stores __proto__ and constructor as plain keys without polluting prototypes', () => {
    const params = parseParams(new URLSearchParams('__proto__=x&constructor=y&polluted=z'));
    expect(Object.getPrototypeOf(params)).toBeNull();
    expect(params.__proto__).toBe('x');
    expect(params.constructor).toBe('y');
    expect(({} as any).polluted).toBeUndefined();
  });

  test('an absent key is undefined even for Object.prototype names', () => {
    const params = parseParams(new URLSearchParams('a=1'));
    expect(params.toString).toBeUndefined();
    expect(params.hasOwnProperty).toBeUndefined();
  });
});
