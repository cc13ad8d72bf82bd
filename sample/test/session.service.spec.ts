import { ChannelsTokenService, InMemoryPubSubAdapter, PubSub } from 'nestjs-channels';
import type { AppConfig } from '../src/config/app-config.js';
import { RevokedSessions } from '../src/session/revoked-sessions.service.js';
import { SESSION_TOKEN_SALT } from '../src/session/session-user.js';
import { SessionService } from '../src/session/session.service.js';

const SECRET = 'a-secret-of-at-least-thirty-two-bytes';
const config = { tokenMaxAgeS: 60 } as AppConfig;
const tokens = new ChannelsTokenService({ secrets: SECRET, maxAge: config.tokenMaxAgeS });
// One bus shared by two "nodes", as nodes on one Redis share theirs.
const pubsub = new PubSub(new InMemoryPubSubAdapter());
const revokedHere = new RevokedSessions(pubsub);
const revokedElsewhere = new RevokedSessions(pubsub);
const sessions = new SessionService(tokens, revokedHere, config);
const elsewhere = new SessionService(tokens, revokedElsewhere, config);
beforeAll(() => [revokedHere, revokedElsewhere].forEach((revoked) => revoked.onModuleInit()));
afterAll(() => [revokedHere, revokedElsewhere].forEach((revoked) => revoked.onModuleDestroy()));

const dataOf = async (token: string) => {
  const result = await tokens.verify(SESSION_TOKEN_SALT, token);
  return result.ok ? result.data : null;
};

test('start() signs {id: user, session} for the socket salt, a new session every time', async () => {
  const [first, second] = [await sessions.start('ann'), await sessions.start('ann')];
  const [a, b] = [await dataOf(first), await dataOf(second)];
  expect(a).toEqual({ id: 'ann', session: expect.any(String) });
  expect(b).toEqual({ id: 'ann', session: expect.any(String) });
  expect(a).not.toEqual(b);
  expect(sessions.isActive(a)).toBe(true);
});

test('isActive() refuses data of another shape', () => {
  for (const data of [null, 'ann', { id: 'ann' }, { session: 's' }, { id: 1, session: 's' }]) {
    expect(sessions.isActive(data)).toBe(false);
  }
});

test('end() revokes one session, not the user, and only once', async () => {
  const [leaving, staying] = [await sessions.start('ann'), await sessions.start('ann')];
  expect(await sessions.end(leaving)).toEqual({ id: 'ann', session: expect.any(String) });
  expect(sessions.isActive(await dataOf(leaving))).toBe(false);
  expect(sessions.isActive(await dataOf(staying))).toBe(true);
  expect(await sessions.end(leaving)).toBeNull();
});

test('end() refuses forged, malformed and foreign-salt tokens', async () => {
  const forged = await new ChannelsTokenService({ secrets: 'someone-elses-secret-of-32-bytes-or-more' }).sign(SESSION_TOKEN_SALT, {
    id: 'ann',
    session: 'x',
  });
  expect(await sessions.end(forged)).toBeNull();
  expect(await sessions.end('garbage')).toBeNull();
  expect(await sessions.end(await tokens.sign('password reset', { id: 'ann', session: 'y' }))).toBeNull();
});

test('a session ended on one node is refused on the others, through PubSub', async () => {
  const token = await sessions.start('bob');
  expect(await elsewhere.end(token)).toMatchObject({ id: 'bob' });
  expect(sessions.isActive(await dataOf(token))).toBe(false);
});

test('a revocation is kept only until its token expires: then it is swept, and checks never scan', async () => {
  const token = await sessions.start('carl');
  const data = await dataOf(token);
  await sessions.end(token);
  expect(sessions.isActive(data)).toBe(false);
  const { iat } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { iat: number };
  const { session } = data as { session: string };
  // The token is accepted through the second its age reaches the maximum: the revocation too.
  // (Earlier tests' tokens may be a second older, so only carl's revocation is sure to stay.)
  const lastAcceptedMs = (iat + config.tokenMaxAgeS + 1) * 1000 - 1;
  revokedHere.sweep(lastAcceptedMs);
  expect(revokedHere.has(session)).toBe(true);
  // Earlier tests' revocations expire no later, so they go with it.
  revokedHere.sweep(lastAcceptedMs + 1);
  expect(revokedHere.has(session)).toBe(false);
  expect(revokedHere.size).toBe(0);
});
