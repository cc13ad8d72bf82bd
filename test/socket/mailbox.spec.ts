import { Mailbox } from '../../lib/socket/mailbox.js';

/** A promise settled from outside, to hold an async task mid-way. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise callback run (setImmediate fires after the microtask queue drains). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('Mailbox', () => {
  let unhandled: unknown[];
  let idle: number;
  let mailbox: Mailbox;

  beforeEach(() => {
    unhandled = [];
    idle = 0;
    mailbox = new Mailbox({ mailboxFailed: (error) => unhandled.push(error), mailboxIdle: () => idle++ });
  });

  test('tells its owner when it has run out of tasks (so an idle channel can drop it), not while one is pending', async () => {
    const held = deferred();
    mailbox.enqueue(() => undefined);
    expect(idle).toBe(1);
    mailbox.enqueue(() => held.promise);
    mailbox.enqueue(() => undefined);
    expect(idle).toBe(1);
    held.resolve();
    await settle();
    expect(idle).toBe(2);
  });

  test('runs tasks in the order they were enqueued', async () => {
    const order: number[] = [];
    for (let n = 0; n < 5; n++) mailbox.enqueue(() => order.push(n));
    await settle();
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  test('runs async tasks one at a time: the next starts only when the previous settles', async () => {
    const events: string[] = [];
    const first = deferred();
    mailbox.enqueue(async () => {
      events.push('first:start');
      await first.promise;
      events.push('first:end');
    });
    mailbox.enqueue(async () => {
      events.push('second:start');
    });
    await settle();
    expect(events).toEqual(['first:start']);
    first.resolve();
    await settle();
    expect(events).toEqual(['first:start', 'first:end', 'second:start']);
  });

  test('reports a task that throws and runs the next one', async () => {
    const ran: string[] = [];
    const error = new Error('sync boom');
    mailbox.enqueue(() => {
      throw error;
    });
    mailbox.enqueue(() => ran.push('after sync throw'));
    await settle();
    expect(unhandled).toEqual([error]);
    expect(ran).toEqual(['after sync throw']);
  });

  test('reports a task whose promise rejects and runs the next one', async () => {
    const ran: string[] = [];
    const failing = deferred();
    mailbox.enqueue(() => failing.promise);
    mailbox.enqueue(() => ran.push('after rejection'));
    const error = new Error('async boom');
    failing.reject(error);
    await settle();
    expect(unhandled).toEqual([error]);
    expect(ran).toEqual(['after rejection']);
  });

  test('a task enqueued by a running task runs after the ones already queued', async () => {
    const order: string[] = [];
    const busy = deferred();
    mailbox.enqueue(() => busy.promise);
    mailbox.enqueue(() => {
      order.push('a');
      mailbox.enqueue(() => order.push('c'));
    });
    mailbox.enqueue(() => order.push('b'));
    busy.resolve();
    await settle();
    expect(order).toEqual(['a', 'b', 'c']);
  });

  test('starts again after going idle', async () => {
    const order: number[] = [];
    mailbox.enqueue(() => order.push(1));
    await settle();
    mailbox.enqueue(async () => {
      order.push(2);
    });
    await settle();
    expect(order).toEqual([1, 2]);
  });

  test('is idle when new', () => {
  });
});
