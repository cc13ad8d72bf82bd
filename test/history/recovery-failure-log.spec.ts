import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { RecoveryFailureLog } from '../../lib/history/recovery-failure-log.js';

let warnings: string[];
beforeEach(() => {
  warnings = [];
  jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
});
afterEach(() => jest.restoreAllMocks());

test('a storm of failed reads logs the first at once, then one line per 10 s counting the others', () => {
  let now = 1_000_000;
  const log = new RecoveryFailureLog(() => now);
  log.failed('room:1', 'Error: redis is away');
  for (let i = 0; i < 500; i++) log.failed(`room:${i}`, 'Error: redis is away');
  expect(warnings).toEqual(['The history of "room:1" could not be read; the join goes on without recovery: Error: redis is away']);
  now += 9_999;
  log.failed('room:2', 'Error: redis is away');
  expect(warnings).toHaveLength(1);
  now += 1;
  log.failed('room:3', 'Error: redis is away');
  expect(warnings[1]).toBe('The history of "room:3" could not be read; the join goes on without recovery: Error: redis is away (and 501 more joins since the last such warning)');
  now += 60_000;
  log.failed('room:4', 'Error: timeout');
  expect(warnings[2]).toBe('The history of "room:4" could not be read; the join goes on without recovery: Error: timeout');
});
