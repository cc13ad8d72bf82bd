import { JwtService } from '@nestjs/jwt';
import { InMemoryPubSubAdapter, PubSub } from 'nestjs-channels';
import type { AppConfig } from '../src/config/app-config.js';
import { TokenService } from '../src/session/token.service.js';

const config: AppConfig = { host: '127.0.0.1', port: 0, tokenMaxAgeS: 60, tokenSecret: 'test secret', redisUrl: undefined };
const jwt = new JwtService({ secret: config.tokenSecret });
const pubsub = new PubSub(new InMemoryPubSubAdapter());
const tokens = new TokenService(jwt, pubsub, config);
beforeAll(() => tokens.onModuleInit());
afterAll(() => tokens.onModuleDestroy());
const secondsAgo = (s: number) => Math.floor(Date.now() / 1000) - s;

test('verifies the tokens it issues', async () => {
  expect(await tokens.verify(await tokens.issue('ann'))).toBe('ann');
});

test('refuses tokens older than tokenMaxAgeS, even if they carry a later expiry', async () => {
  const young = jwt.sign({ sub: 'ann', jti: 'young', iat: secondsAgo(30) });
  const old = jwt.sign({ sub: 'ann', jti: 'old', iat: secondsAgo(90) }, { expiresIn: 3600 });
  expect(await tokens.verify(young)).toBe('ann');
  expect(await tokens.verify(old)).toBeNull();
});

test('refuses forged, malformed and incomplete tokens', async () => {
  expect(await tokens.verify(new JwtService({ secret: 'other' }).sign({ sub: 'ann', jti: 'x' }))).toBeNull();
  expect(await tokens.verify('garbage')).toBeNull();
  expect(await tokens.verify(jwt.sign({ sub: 'ann' }))).toBeNull();
});

test('revokes one token, not the user', async () => {
  const [first, second] = [await tokens.issue('ann'), await tokens.issue('ann')];
  expect(await tokens.revoke(first)).toBe('ann');
  expect(await tokens.verify(first)).toBeNull();
  expect(await tokens.verify(second)).toBe('ann');
  expect(await tokens.revoke(first)).toBeNull();
});

test('honours revocations made by another node, which arrive through PubSub', async () => {
  const elsewhere = new TokenService(jwt, pubsub, config); // shares the bus, as nodes on one Redis do
  const token = await tokens.issue('bob');
  expect(await elsewhere.revoke(token)).toBe('bob');
  expect(await tokens.verify(token)).toBeNull();
});
