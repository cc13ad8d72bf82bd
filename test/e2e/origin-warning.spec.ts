import { CapturedLogger } from '../support/captured-logger.js';
import { startTestApp } from '../support/test-app.js';

// checkOrigin: true compares Origin with the request's Host, which a DNS rebinding page controls.

async function bootWarnings(environment: string, checkOrigin: true | string[]): Promise<string[]> {
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = environment;
  const logger = new CapturedLogger();
  try {
    const app = await startTestApp({ channels: { checkOrigin }, logger });
    await app.close();
  } finally {
    process.env.NODE_ENV = before;
  }
  return logger.of('warn', 'Channels').map((entry) => entry.message).filter((message) => message.includes('DNS rebinding'));
}

test('in production, the default checkOrigin warns once at boot', async () => {
  expect(await bootWarnings('production', true)).toEqual([expect.stringContaining("list the app's public origins instead")]);
});

test('a list of origins, or development, does not', async () => {
  expect(await bootWarnings('production', ['https://chat.example.com'])).toEqual([]);
  expect(await bootWarnings('development', true)).toEqual([]);
});
