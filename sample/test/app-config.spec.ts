import { hostname } from 'node:os';
import { DEMO_TOKEN_SECRET, loadConfig } from '../src/config/app-config.js';

const SECRET = 'a-secret-of-at-least-thirty-two-bytes';

test('defaults to 127.0.0.1:4000, a day-long token age, the demo secret, no Redis and <host>:<port> as node name', () => {
  expect(loadConfig({})).toEqual({
    host: '127.0.0.1',
    port: 4000,
    tokenMaxAgeS: 86_400,
    tokenSecret: DEMO_TOKEN_SECRET,
    redisUrl: undefined,
    nodeName: `${hostname()}:4000`,
  });
});

test('reads HOST, PORT, TOKEN_MAX_AGE_S, TOKEN_SECRET, REDIS_URL and NODE_NAME', () => {
  const env = {
    HOST: '0.0.0.0',
    PORT: '4100',
    TOKEN_MAX_AGE_S: '60',
    TOKEN_SECRET: SECRET,
    REDIS_URL: 'redis://127.0.0.1:6379',
    NODE_NAME: 'chat-1',
  };
  expect(loadConfig(env)).toEqual({
    host: '0.0.0.0',
    port: 4100,
    tokenMaxAgeS: 60,
    tokenSecret: SECRET,
    redisUrl: 'redis://127.0.0.1:6379',
    nodeName: 'chat-1',
  });
});

test('the node name defaults to the host name plus PORT, and is left to the library on port 0', () => {
  expect(loadConfig({ PORT: '4001' }).nodeName).toBe(`${hostname()}:4001`);
  // Port 0 picks any free port: "<host>:0" would not tell two such nodes apart.
  expect(loadConfig({ PORT: '0' }).nodeName).toBeUndefined();
});

test('refuses a TOKEN_SECRET shorter than 32 bytes at boot', () => {
  expect(() => loadConfig({ TOKEN_SECRET: 's3cret' })).toThrow('TOKEN_SECRET');
});

test.each([
  ['PORT', 'http'],
  ['PORT', '-1'],
  ['TOKEN_MAX_AGE_S', '1.5'],
])('refuses %s=%s at boot, naming the variable', (name, value) => {
  expect(() => loadConfig({ [name]: value })).toThrow(name);
});
