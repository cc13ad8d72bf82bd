import { jest } from '@jest/globals';
import { ReconnectFlushGate } from '../../lib/pubsub/redis/reconnect-flush-gate.js';

const SETTLE_MS = 250;
const MAX_WAIT_MS = 2000;

let flushes: number;
let gate: ReconnectFlushGate;
beforeEach(() => {
  jest.useFakeTimers();
  flushes = 0;
  gate = new ReconnectFlushGate(() => flushes++, SETTLE_MS, MAX_WAIT_MS);
});
afterEach(() => {
  gate.close();
  jest.useRealTimers();
});

test('nothing queued: publishes go straight out, nothing is held', () => {
  gate.publisherReady(0, false);
  expect(gate.holding).toBe(false);
  jest.advanceTimersByTime(MAX_WAIT_MS);
  expect(flushes).toBe(0);
});

test('queued publishes wait for this node to resubscribe, then for the others’ jitter, then go out once', () => {
  gate.publisherReady(5, false);
  expect(gate.holding).toBe(true);
  jest.advanceTimersByTime(1000);
  expect(flushes).toBe(0);

  gate.subscriptionsRestored();
  jest.advanceTimersByTime(SETTLE_MS - 1);
  expect(flushes).toBe(0);
  jest.advanceTimersByTime(1);
  expect(flushes).toBe(1);
  expect(gate.holding).toBe(false);

  jest.advanceTimersByTime(MAX_WAIT_MS);
  expect(flushes).toBe(1);
});

test('subscriptions already back: only the settle delay', () => {
  gate.publisherReady(5, true);
  jest.advanceTimersByTime(SETTLE_MS);
  expect(flushes).toBe(1);
});

test('subscriptions that never come back do not hold the queue longer than the longest wait', () => {
  gate.publisherReady(5, false);
  jest.advanceTimersByTime(MAX_WAIT_MS - 1);
  expect(flushes).toBe(0);
  jest.advanceTimersByTime(1);
  expect(flushes).toBe(1);
  expect(gate.holding).toBe(false);
});

test('a second reconnect while holding neither restarts the longest wait nor flushes twice', () => {
  gate.publisherReady(5, false);
  jest.advanceTimersByTime(1500);
  gate.publisherReady(8, false);
  jest.advanceTimersByTime(500);
  expect(flushes).toBe(1);
  gate.subscriptionsRestored();
  jest.advanceTimersByTime(MAX_WAIT_MS);
  expect(flushes).toBe(1);
});
