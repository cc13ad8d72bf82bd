import { LazyCompletion } from '../../lib/socket/lazy-completion.js';

const state = async (promise: Promise<void>) => Promise.race([promise.then(() => 'settled'), new Promise((resolve) => setImmediate(() => resolve('pending')))]);

test('a waiter before completion is released when it completes', async () => {
  const completion = new LazyCompletion();
  const settled = completion.settled;
  expect(await state(settled)).toBe('pending');
  completion.complete();
  expect(await state(settled)).toBe('settled');
});

test('a waiter after completion is released at once, and completing twice changes nothing', async () => {
  const completion = new LazyCompletion();
  completion.complete();
  completion.complete();
  expect(await state(completion.settled)).toBe('settled');
});

test('every waiter gets the same promise', () => {
  const completion = new LazyCompletion();
  expect(completion.settled).toBe(completion.settled);
});
