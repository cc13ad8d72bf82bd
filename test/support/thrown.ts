import type { ChannelsErrorCode } from '../../lib/index.js';

/** The error `fn` throws; fails the test when it throws nothing. */
export function thrownBy(fn: () => unknown): Error & { code?: unknown; option?: unknown } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  }
  throw new Error('expected a throw, but nothing was thrown');
}

/**
 * Asserts that `fn` rejects an option at once: a `TypeError` (users catch that) carrying the
 * code `CHANNELS_ERR_INVALID_OPTION`, whose message contains or matches `message`.
 */
export function expectOptionError(fn: () => unknown, message: string | RegExp): Error {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(TypeError);
  expect(error.code).toBe('CHANNELS_ERR_INVALID_OPTION' satisfies ChannelsErrorCode);
  if (typeof message === 'string') expect(error.message).toContain(message);
  else expect(error.message).toMatch(message);
  return error;
}
