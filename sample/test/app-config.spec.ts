import { DEMO_TOKEN_SECRET, loadConfig } from '../src/config/app-config.js';

test('defaults to 127.0.0.1:4000, a day-long token age, the demo secret and no Redis', () => {
  expect(loadConfig({})).toEqual({
    host: '127.0.0.1',
    port: 4000,
    tokenMaxAgeS: 86_400,
    tokenSecret: DEMO_TOKEN_SECRET,
    redisUrl: undefined,
  });
});

test('reads HOST, PORT, TOKEN_MAX_AGE_S, TOKEN_SECRET and REDIS_URL', () => {
  const env = { HOST: '0.0.0.0', PORT: '4100', TOKEN_MAX_AGE_S: '60', TOKEN_SECRET: 's3cret', REDIS_URL: 'redis://127.0.0.1:6379' };
  expect(loadConfig(env)).toEqual({
    host: '0.0.0.0',
    port: 4100,
    tokenMaxAgeS: 60,
    tokenSecret: 's3cret',
    redisUrl: 'redis://127.0.0.1:6379',
  });
});

test.each([
  ['PORT', 'http'],
  ['PORT', '-1'],
  ['TOKEN_MAX_AGE_S', '1.5'],
])('refuses %s=%s at boot, naming the variable', (name, value) => {
  expect(() => loadConfig({ [name]: value })).toThrow(name);
});
