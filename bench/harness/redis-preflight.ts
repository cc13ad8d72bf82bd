import { connect } from 'node:net';

/**
 * Fails with a clear message unless Redis answers a PING at `url` within `timeoutMs`. Needed
 * because a nestjs-channels node whose Redis is down boots anyway (it retries in the background):
 * without this, a missing Redis would show up as broadcasts that never arrive. `rediss://` and
 * other schemes are not probed (the nodes report them).
 */
export function assertRedisAnswers(url: string, timeoutMs = 3000, neededBy = 'the cluster run'): Promise<void> {
  const target = new URL(url);
  if (target.protocol !== 'redis:') return Promise.resolve();
  const host = target.hostname || '127.0.0.1';
  const port = Number(target.port || 6379);
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      socket.destroy();
      reject(new Error(`Redis at ${host}:${port} (REDIS_URL) ${why}: ${neededBy} needs it`));
    };
    const socket = connect({ host, port });
    socket.setTimeout(timeoutMs, () => fail(`did not answer within ${timeoutMs} ms`));
    socket.once('error', (error) => fail(`is unreachable (${error.message})`));
    socket.once('connect', () => socket.write('PING\r\n'));
    // "+PONG", or "-NOAUTH ..." on a Redis with a password: either way a Redis is there.
    socket.once('data', (data) => {
      socket.destroy();
      if (data[0] === 0x2b || data[0] === 0x2d) resolve();
      else reject(new Error(`Redis at ${host}:${port} answered PING with ${JSON.stringify(data.toString('utf8', 0, 40))}`));
    });
  });
}
