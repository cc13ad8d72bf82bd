import type { IncomingMessage } from 'node:http';
import { createOriginCheck } from '../../lib/transports/origin-check.js';
import { expectOptionError } from '../support/thrown.js';

function request(origin: string | undefined, host = 'app.test:4000'): IncomingMessage {
  const headers: Record<string, string> = { host };
  if (origin !== undefined) headers.origin = origin;
  return { headers } as unknown as IncomingMessage;
}

describe('createOriginCheck(true): same host (the default)', () => {
  const check = createOriginCheck(true);

  test('allows an origin on the request host and port', () => {
    expect(check(request('http://app.test:4000'))).toBe(true);
    expect(check(request('https://app.test:4000'))).toBe(true);
    expect(check(request('HTTP://APP.TEST:4000'))).toBe(true);
    expect(check(request('http://app.test:4000', 'APP.test:4000'))).toBe(true);
  });

  test('refuses another host or port', () => {
    expect(check(request('http://evil.test:4000'))).toBe(false);
    expect(check(request('http://app.test:4001'))).toBe(false);
    expect(check(request('http://app.test'))).toBe(false);
    expect(check(request('http://sub.app.test:4000'))).toBe(false);
  });

  test('allows a request without an Origin header (not a browser)', () => {
    expect(check(request(undefined))).toBe(true);
  });

  test.each(['null', 'file://', 'file:///home/me/index.html', 'chrome-extension://abcdef', 'not an origin', ''])(
    'refuses the origin %j',
    (origin) => {
      expect(check(request(origin, 'abcdef'))).toBe(false);
    },
  );

  test('refuses a browser origin when the request has no Host header', () => {
    expect(check({ headers: { origin: 'http://app.test:4000' } } as unknown as IncomingMessage)).toBe(false);
  });
});

describe('createOriginCheck(false)', () => {
  test('allows any origin', () => {
    const check = createOriginCheck(false);
    for (const origin of ['http://evil.test', 'null', 'file://', undefined]) expect(check(request(origin))).toBe(true);
  });
});

describe('createOriginCheck(list)', () => {
  test('"https://*.example.com" matches subdomains at any depth, over https only', () => {
    const check = createOriginCheck(['https://*.example.com']);
    expect(check(request('https://a.example.com'))).toBe(true);
    expect(check(request('https://a.b.example.com'))).toBe(true);
    expect(check(request('https://A.Example.COM'))).toBe(true);
    expect(check(request('https://evil-example.com'))).toBe(false);
    expect(check(request('https://example.com'))).toBe(false);
    expect(check(request('http://a.example.com'))).toBe(false);
    expect(check(request('https://a.example.com.evil.test'))).toBe(false);
    expect(check(request('https://aexample.com'))).toBe(false);
  });

  test('an exact origin matches only that scheme and host', () => {
    const check = createOriginCheck(['https://example.com']);
    expect(check(request('https://example.com'))).toBe(true);
    expect(check(request('http://example.com'))).toBe(false);
    expect(check(request('https://www.example.com'))).toBe(false);
    expect(check(request('https://example.com.evil.test'))).toBe(false);
  });

  test('an origin with a scheme and no port means the scheme default port, as in Phoenix', () => {
    const check = createOriginCheck(['https://example.com', 'http://plain.test']);
    expect(check(request('https://example.com:443'))).toBe(true);
    expect(check(request('https://example.com:8443'))).toBe(false);
    expect(check(request('http://plain.test:80'))).toBe(true);
    expect(check(request('http://plain.test:8080'))).toBe(false);
  });

  test('an explicit port must match, the scheme default included', () => {
    const check = createOriginCheck(['https://example.com:8443', 'http://localhost:4000', 'https://default.test:443']);
    expect(check(request('https://example.com:8443'))).toBe(true);
    expect(check(request('https://example.com'))).toBe(false);
    expect(check(request('https://example.com:9443'))).toBe(false);
    expect(check(request('http://localhost:4000'))).toBe(true);
    expect(check(request('http://localhost:4001'))).toBe(false);
    expect(check(request('https://default.test'))).toBe(true);
  });

  test('"//host" matches any scheme and any port', () => {
    const check = createOriginCheck(['//example.com']);
    expect(check(request('http://example.com'))).toBe(true);
    expect(check(request('https://example.com'))).toBe(true);
    expect(check(request('http://example.com:8080'))).toBe(true);
    expect(check(request('https://other.com'))).toBe(false);
  });

  test('"//host:port" matches any scheme on that port', () => {
    const check = createOriginCheck(['//example.com:8080']);
    expect(check(request('http://example.com:8080'))).toBe(true);
    expect(check(request('https://example.com:8080'))).toBe(true);
    expect(check(request('http://example.com'))).toBe(false);
  });

  test('any entry of the list may match', () => {
    const check = createOriginCheck(['https://one.test', 'https://two.test']);
    expect(check(request('https://two.test'))).toBe(true);
    expect(check(request('https://three.test'))).toBe(false);
  });

  test('still allows requests without Origin and refuses null and file origins', () => {
    const check = createOriginCheck(['//*.example.com', '//null']);
    expect(check(request(undefined))).toBe(true);
    expect(check(request('null'))).toBe(false);
    expect(check(request('file://'))).toBe(false);
  });

  test('an empty list refuses every browser origin', () => {
    const check = createOriginCheck([]);
    expect(check(request('http://app.test:4000'))).toBe(false);
    expect(check(request(undefined))).toBe(true);
  });

  test('a bare host matches any scheme and port', () => {
    const check = createOriginCheck(['example.com']);
    expect(check(request('http://example.com:8080'))).toBe(true);
    expect(check(request('https://example.com'))).toBe(true);
    expect(check(request('https://other.com'))).toBe(false);
  });

  test.each(['https://', 'https://example.com/path', 'https://example.com:port', '://x', 'https://a b.com', 'localhost:4000', 'ftp://example.com', 'constructor://example.com'])(
    'refuses the invalid pattern %j at once, naming checkOrigin',
    (pattern) => {
      expectOptionError(() => createOriginCheck(['https://fine.test', pattern]), `ChannelsModule option "checkOrigin[1]" is not an origin, got ${JSON.stringify(pattern)}.`);
    },
  );
});

describe('createOriginCheck(function)', () => {
  test('asks the function with the origin and the request', () => {
    const seen: Array<[string, IncomingMessage]> = [];
    const check = createOriginCheck((origin, req) => {
      seen.push([origin, req]);
      return origin === 'https://ok.test';
    });
    const allowed = request('https://ok.test');
    expect(check(allowed)).toBe(true);
    expect(check(request('https://no.test'))).toBe(false);
    expect(seen.map(([origin]) => origin)).toEqual(['https://ok.test', 'https://no.test']);
    expect(seen[0][1]).toBe(allowed);
  });

  test('is not asked about requests without an Origin header', () => {
    let calls = 0;
    const check = createOriginCheck(() => {
      calls++;
      return false;
    });
    expect(check(request(undefined))).toBe(true);
    expect(calls).toBe(0);
  });
});
