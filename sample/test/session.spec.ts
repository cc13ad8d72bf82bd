import { ChannelsTokenService } from 'nestjs-channels';
import { SESSION_TOKEN_SALT } from '../src/session/session-user.js';
import { postJson, signIn, startSampleApp, type SampleApp } from './support/sample-app.js';

let server: SampleApp;
beforeAll(async () => {
  server = await startSampleApp();
});
afterAll(() => server.close());

const logout = (token?: string) =>
  fetch(`${server.baseUrl}/api/session/logout`, {
    method: 'POST',
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });

describe('POST /api/session', () => {
  test('answers 201 with a signed token for the user', async () => {
    const response = await postJson(`${server.baseUrl}/api/session`, { user: 'Ann_42-x' });
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { token: string; user: string };
    expect(body).toEqual({ token: expect.any(String), user: 'Ann_42-x' });
    const verified = await server.app.get(ChannelsTokenService).verify(SESSION_TOKEN_SALT, body.token);
    expect(verified).toEqual({ ok: true, data: { id: 'Ann_42-x', session: expect.any(String) } });
  });

  test('gives every sign-in its own token', async () => {
    const [first, second] = await Promise.all([signIn(server.baseUrl, 'ann'), signIn(server.baseUrl, 'ann')]);
    expect(first).not.toBe(second);
  });

  test.each([
    ['an empty name', { user: '' }],
    ['a space', { user: 'ann smith' }],
    ['33 characters', { user: 'a'.repeat(33) }],
    ['a non-ASCII letter', { user: 'zoë' }],
    ['a number', { user: 42 }],
    ['no name', {}],
  ])('answers 400 with a JSON error for %s', async (_case, body) => {
    const response = await postJson(`${server.baseUrl}/api/session`, body);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ statusCode: 400, message: expect.arrayContaining([expect.stringContaining('user')]) });
  });

  test('accepts a name of exactly 32 characters', async () => {
    const response = await postJson(`${server.baseUrl}/api/session`, { user: 'b'.repeat(32) });
    expect(response.status).toBe(201);
  });
});

describe('POST /api/session/logout', () => {
  test('answers 204 for a valid token, then refuses the same token', async () => {
    const token = await signIn(server.baseUrl, 'carol');
    const first = await logout(token);
    expect(first.status).toBe(204);
    expect(await first.text()).toBe('');
    expect((await logout(token)).status).toBe(401);
  });

  test('answers 401 without a bearer token or with a forged one', async () => {
    expect((await logout()).status).toBe(401);
    expect((await logout('not-a-token')).status).toBe(401);
    const forger = new ChannelsTokenService({ secrets: 'someone-elses-secret-of-32-bytes-or-more' });
    const forged = await forger.sign(SESSION_TOKEN_SALT, { id: 'carol', session: 'x' });
    expect((await logout(forged)).status).toBe(401);
  });
});
