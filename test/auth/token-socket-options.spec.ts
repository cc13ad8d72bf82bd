import { ChannelsTokenService, TokenSocketHandler, type TokenSocketOptions } from '../../lib/index.js';
import { expectOptionError } from '../support/thrown.js';

const SECRET = 'options-secret-0123456789abcdef-0123456789';
const tokens = new ChannelsTokenService({ secrets: SECRET });

function handler(socket?: TokenSocketOptions): TokenSocketHandler {
  return new TokenSocketHandler(tokens, { secrets: SECRET, socket });
}

/** The id `TokenSocketHandler` gives a socket whose token carried `data`. */
function defaultIdFor(data: unknown): string | null {
  return handler().id({ assigns: { user: data }, assign: () => undefined, vsn: '2.0.0' });
}

describe('TokenSocketHandler settings', () => {
  test.each([
    ['an object with id', { id: 42, name: 'ann' }, 'users_socket:42'],
    ['an object with sub', { sub: 'u-1' }, 'users_socket:u-1'],
    ['id before sub', { id: 'a', sub: 'b' }, 'users_socket:a'],
    ['a bare string', 'ann', 'users_socket:ann'],
    ['a bare number', 7, 'users_socket:7'],
    ['an object without id: anonymous', { name: 'ann' }, null],
    ['null: anonymous', null, null],
  ])('the default socket id for %s', (_label, data, id) => {
    expect(defaultIdFor(data)).toBe(id);
  });

  test.each([
    ['an empty salt', { salt: '' }, /^ChannelsAuthModule option "socket.salt" must be a non-empty string, got ""\. Leave it out/],
    ['an empty param', { param: '' }, /"socket.param" must be a non-empty string, got ""/],
    ['a non-string assign', { assign: 3 }, /"socket.assign" must be a non-empty string, got 3/],
    ['an id that is not a function', { id: 'users' }, /"socket.id" must be a function \(data, socket\) => string \| null, got "users"/],
    ['a negative maxAge', { maxAge: -5 }, /"socket.maxAge" must be a number of seconds >= 0 \(or Infinity\), got -5/],
  ])('%s fails at boot, naming the option', (_label, socket, message) => {
    expectOptionError(() => handler(socket as never), message);
  });

  test('options left undefined keep their defaults', async () => {
    const lenient = handler({ salt: undefined, param: undefined, assign: undefined });
    const socket = { assigns: {} as Record<string, unknown>, assign: (key: string, value: unknown) => void (socket.assigns[key] = value), vsn: '2.0.0' };
    const token = await tokens.sign('user socket', { id: 1 });
    const info = { transport: 'websocket' as const, headers: {}, address: undefined, authToken: undefined, url: '/' };
    await expect(lenient.connect({ token }, socket as never, info)).resolves.toBe(true);
    expect(socket.assigns).toEqual({ user: { id: 1 } });
  });
});
