import { UnsecuredJWT } from 'jose';
import { ChannelsTokenService } from '../../lib/index.js';
import { expectOptionError } from '../support/thrown.js';
import { FakeClock } from './support/fake-clock.js';

const CURRENT = 'current-secret-0123456789abcdef-0123456789';
const PREVIOUS = 'previous-secret-0123456789abcdef-012345678';
const REMOVED = 'removed-secret-0123456789abcdef-0123456789';

function service(secrets: string[], clock = new FakeClock(), maxAge?: number): ChannelsTokenService {
  return new ChannelsTokenService({ secrets, clock: clock.now, maxAge });
}

/** Replaces one character of the signed part of a JWT (`header.payload.signature`). */
function tamper(token: string, part: 0 | 1 | 2): string {
  const parts = token.split('.');
  const text = parts[part];
  const index = Math.floor(text.length / 2);
  parts[part] = text.slice(0, index) + (text[index] === 'A' ? 'B' : 'A') + text.slice(index + 1);
  return parts.join('.');
}

describe('ChannelsTokenService', () => {
  const tokens = service([CURRENT]);

  test.each([
    ['an object', { id: 42, name: 'ann' }],
    ['a string', 'user-42'],
    ['a number', 42],
    ['null', null],
  ])('verify returns the signed data: %s', async (_label, data) => {
    const token = await tokens.sign('user socket', data);
    await expect(tokens.verify('user socket', token)).resolves.toEqual({ ok: true, data });
  });

  test('a token signed for one salt is invalid for another', async () => {
    const token = await tokens.sign('user socket', { id: 1 });
    await expect(tokens.verify('password reset', token)).resolves.toEqual({ ok: false, reason: 'invalid' });
  });

  test.each([undefined, null, ''])('no token (%p) is missing', async (token) => {
    await expect(tokens.verify('user socket', token)).resolves.toEqual({ ok: false, reason: 'missing' });
  });

  test.each([
    ['the header', 0],
    ['the data', 1],
    ['the signature', 2],
  ] as const)('a token whose %s was changed is invalid', async (_label, part) => {
    const token = await tokens.sign('user socket', { id: 1, admin: false });
    await expect(tokens.verify('user socket', tamper(token, part))).resolves.toEqual({ ok: false, reason: 'invalid' });
  });

  test.each(['garbage', 'a.b.c', 'a.b', '....'])('a malformed token (%p) is invalid', async (token) => {
    await expect(tokens.verify('user socket', token)).resolves.toEqual({ ok: false, reason: 'invalid' });
  });

  test('an unsigned token ("alg": "none") is invalid', async () => {
    const unsigned = new UnsecuredJWT({ data: { id: 1 } }).setAudience('user socket').setIssuedAt().encode();
    await expect(tokens.verify('user socket', unsigned)).resolves.toEqual({ ok: false, reason: 'invalid' });
  });

  test('a token older than maxAge is expired; at maxAge it still verifies', async () => {
    const clock = new FakeClock();
    const timed = service([CURRENT], clock, 60);
    const token = await timed.sign('user socket', { id: 1 });
    clock.advanceSeconds(60);
    await expect(timed.verify('user socket', token)).resolves.toEqual({ ok: true, data: { id: 1 } });
    clock.advanceSeconds(1);
    await expect(timed.verify('user socket', token)).resolves.toEqual({ ok: false, reason: 'expired' });
  });

  test('maxAge of one verify call overrides the default; Infinity never expires', async () => {
    const clock = new FakeClock();
    const timed = service([CURRENT], clock);
    const token = await timed.sign('user socket', 'x');
    clock.advanceSeconds(10);
    await expect(timed.verify('user socket', token, { maxAge: 5 })).resolves.toEqual({ ok: false, reason: 'expired' });
    await expect(timed.verify('user socket', token)).resolves.toEqual({ ok: true, data: 'x' });
    clock.advanceSeconds(86_400);
    await expect(timed.verify('user socket', token)).resolves.toEqual({ ok: false, reason: 'expired' });
    await expect(timed.verify('user socket', token, { maxAge: Infinity })).resolves.toEqual({ ok: true, data: 'x' });
  });

  test('a token issued in the future is refused past the clock tolerance, accepted within it', async () => {
    const signer = new FakeClock();
    const verifier = new FakeClock();
    signer.advanceSeconds(60); // the signing node's clock runs 60 s ahead: within the default tolerance
    const near = await service([CURRENT], signer).sign('user socket', 1);
    await expect(service([CURRENT], verifier).verify('user socket', near)).resolves.toEqual({ ok: true, data: 1 });
    signer.advanceSeconds(1); // 61 s ahead
    const far = await service([CURRENT], signer).sign('user socket', 1);
    await expect(service([CURRENT], verifier).verify('user socket', far)).resolves.toEqual({ ok: false, reason: 'invalid' });
    const tolerant = new ChannelsTokenService({ secrets: [CURRENT], clock: verifier.now, clockToleranceSeconds: 3600 });
    await expect(tolerant.verify('user socket', far)).resolves.toEqual({ ok: true, data: 1 });
  });

  test('an old token signed with an unknown secret is invalid, not expired', async () => {
    const clock = new FakeClock();
    const token = await service([REMOVED], clock).sign('user socket', 1);
    clock.advanceSeconds(100_000);
    await expect(service([CURRENT], clock).verify('user socket', token)).resolves.toEqual({ ok: false, reason: 'invalid' });
  });

  describe('key rotation', () => {
    const rotated = service([CURRENT, PREVIOUS]);

    test('a token signed with the previous secret still verifies while it is listed', async () => {
      const token = await service([PREVIOUS]).sign('user socket', { id: 7 });
      await expect(rotated.verify('user socket', token)).resolves.toEqual({ ok: true, data: { id: 7 } });
    });

    test('new tokens are signed with the first secret', async () => {
      const token = await rotated.sign('user socket', { id: 8 });
      await expect(service([CURRENT]).verify('user socket', token)).resolves.toEqual({ ok: true, data: { id: 8 } });
      await expect(service([PREVIOUS]).verify('user socket', token)).resolves.toEqual({ ok: false, reason: 'invalid' });
    });

    test('a token signed with a removed secret is invalid', async () => {
      const token = await service([REMOVED]).sign('user socket', { id: 9 });
      await expect(rotated.verify('user socket', token)).resolves.toEqual({ ok: false, reason: 'invalid' });
    });
  });

  describe('setup mistakes fail at once, naming the option', () => {
    test.each([
      ['an empty list of secrets', { secrets: [] }, /"secrets" must hold at least one secret, got an array\. Use at least 32 random bytes/],
      ['no secrets', { secrets: undefined }, /"secrets" must hold at least one secret, got undefined/],
      ['a short secret', { secrets: ['short'] }, /"secrets\[0\]" must be at least 32 bytes long, got a string of 5 bytes\. Use at least 32 random bytes/],
      ['a short single secret', { secrets: 'short' }, /"secrets" must be at least 32 bytes long, got a string of 5 bytes/],
      ['a secret of the wrong type', { secrets: [CURRENT, 42] }, /"secrets\[1\]" must be a string or a Uint8Array, got a number/],
      ['a negative maxAge', { secrets: [CURRENT], maxAge: -1 }, /"maxAge" must be a number of seconds >= 0 \(or Infinity\), got -1/],
      ['a clock that is not a function', { secrets: [CURRENT], clock: 5 }, /"clock" must be a function/],
    ])('%s', (_label, options, message) => {
      expectOptionError(() => new ChannelsTokenService(options as never), message);
    });

    test('a message never shows a secret, only its size', () => {
      const error = expectOptionError(() => new ChannelsTokenService({ secrets: ['hunter2-is-my-password'] }), 'got a string of 22 bytes');
      expect(error.message).not.toContain('hunter2');
    });

    test('a salt that is not a non-empty string is refused by the call, as an invalid argument', async () => {
      await expect(tokens.sign('', 1)).rejects.toThrow(expect.objectContaining({ code: 'CHANNELS_ERR_INVALID_ARGUMENT', message: expect.stringContaining('the salt must be a non-empty string, got ""') }));
      await expect(tokens.verify(undefined as never, 'x')).rejects.toBeInstanceOf(TypeError);
      await expect(tokens.sign('user socket', undefined)).rejects.toThrow(expect.objectContaining({ code: 'CHANNELS_ERR_INVALID_ARGUMENT' }));
    });

    test('a verify() maxAge that is not a number of seconds is refused, naming verify()', async () => {
      await expect(tokens.verify('user socket', 'x', { maxAge: -1 })).rejects.toThrow('ChannelsTokenService.verify() option "maxAge" must be a number of seconds >= 0 (or Infinity), got -1.');
    });

    test('a secret given as bytes signs and verifies', async () => {
      const bytes = new ChannelsTokenService({ secrets: new Uint8Array(32).fill(7) });
      const token = await bytes.sign('user socket', 'b');
      await expect(bytes.verify('user socket', token)).resolves.toEqual({ ok: true, data: 'b' });
      await expect(tokens.verify('user socket', token)).resolves.toEqual({ ok: false, reason: 'invalid' });
    });
  });
});
