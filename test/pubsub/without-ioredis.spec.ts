import { runFixture } from '../fixtures/nodes/node-process.js';

test('without ioredis installed, in-memory apps work and selecting Redis fails at boot saying what to install', async () => {
  const output = await runFixture('./without-ioredis.ts', { HIDE_IOREDIS: '1' });
  expect(output).toContain('IN_MEMORY ok');
  expect(output).toContain(
    'REDIS CHANNELS_ERR_IOREDIS_MISSING The Redis PubSub adapter needs the "ioredis" package, which is not installed: npm install ioredis',
  );
});
