/**
 * An assertion of the channels test harness failed: the expected reply, push or broadcast did
 * not come in time, or a refuted one came. The message lists what did arrive.
 * @publicApi
 */
export class ChannelAssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChannelAssertionError';
  }
}

/**
 * The socket handler refused `connect()` (returned anything but `true`, or threw): a real
 * client would get HTTP 403.
 * @publicApi
 */
export class ConnectionRefusedError extends Error {
  constructor(
    /** The params the socket handler was given. */
    readonly params: Record<string, string>,
  ) {
    super(`the socket handler refused the connection (params: ${JSON.stringify(params)})`);
    this.name = 'ConnectionRefusedError';
  }
}

/**
 * The join was answered with an error reply (a guard said no, a pipe rejected the params, the
 * join handler threw, the topic is unmatched...). `response` is the reply the client got.
 * @publicApi
 */
export class JoinRefusedError extends Error {
  constructor(
    /** The topic that was joined. */
    readonly topic: string,
    /** The error reply's response, e.g. `{ reason: 'unauthorized' }`. */
    readonly response: unknown,
    description: string,
  ) {
    super(`join of "${topic}" was refused with ${description}`);
    this.name = 'JoinRefusedError';
  }
}

/**
 * Where a test called the harness, captured before any await: errors built with `fail()` carry
 * the stack of that call (from the test's own line on), not of the timer or frame that settled
 * them, so jest shows the failing line of the test.
 */
export class CallSite {
  private readonly trace: { stack?: string } = {};

  /** `boundary`: the harness method called by the test; it and the frames above it are left out. */
  constructor(boundary: (...args: never[]) => unknown) {
    Error.captureStackTrace(this.trace, boundary);
  }

  fail<E extends Error>(error: E): E {
    const frames = (this.trace.stack ?? '').split('\n').slice(1).join('\n');
    error.stack = `${error.name}: ${error.message}\n${frames}`;
    return error;
  }
}
