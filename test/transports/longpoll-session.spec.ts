import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { SharedFrame } from '../../lib/fanout/shared-frame.js';
import type { InboundConnection } from '../../lib/interfaces/transport.interface.js';
import type { Frame } from '../../lib/protocol/messages.js';
import { LongPollBudget } from '../../lib/transports/longpoll/longpoll-budget.js';
import { LongPollSession, type LongPollLimits } from '../../lib/transports/longpoll/longpoll-session.js';
import type { LongPollBody, PollResponder } from '../../lib/transports/longpoll/poll-responder.js';

/** One held poll: what it was answered, and a way to play the client going away. */
class FakeResponder implements PollResponder {
  readonly answers: LongPollBody[] = [];
  private gone = false;
  private readonly abortCallbacks: Array<() => void> = [];

  get open(): boolean {
    return !this.gone && this.answers.length === 0;
  }

  answer(body: LongPollBody): void {
    this.answers.push(body);
  }

  onAbort(callback: () => void): void {
    this.abortCallbacks.push(callback);
  }

  abort(): void {
    this.gone = true;
    for (const callback of this.abortCallbacks) callback();
  }
}

/** The channel layer's side of the session: the frames the client posted, and its end. */
class FakeInbound implements InboundConnection {
  readonly frames: Array<[text: string, binary: boolean]> = [];
  transportClosedCalls = 0;
  onFrame: ((text: string) => void) | undefined;

  handleFrame(data: Buffer, isBinary: boolean): void {
    this.frames.push([data.toString('utf8'), isBinary]);
    this.onFrame?.(data.toString('utf8'));
  }

  transportClosed(): void {
    this.transportClosedCalls++;
  }

  handlePing(): boolean {
    return true;
  }
}

const WINDOW_MS = 10_000;
const START = 1_700_000_000_000;
const text = (data: string): Frame => ({ data, binary: false });
/** Runs what the session left for the next macrotask (its flush of a waiting poll). */
const nextMacrotask = () => jest.advanceTimersByTime(0);

let warnings: string[];

beforeEach(() => {
  jest.useFakeTimers({ now: START });
  warnings = [];
  jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
    warnings.push(String(message));
  });
});

afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

function openSession(limits: Partial<LongPollLimits> = {}, budget = new LongPollBudget(1 << 30, () => []), id = 'session-1') {
  const inbound = new FakeInbound();
  const opened: LongPollSession[] = [];
  const ended: LongPollSession[] = [];
  const session = new LongPollSession(
    id,
    'token-1',
    { windowMs: WINDOW_MS, maxBufferedBytes: 1 << 20, ...limits },
    budget,
    (opening) => {
      opened.push(opening);
      return inbound;
    },
    (ending) => ended.push(ending),
  );
  return { session, inbound, opened, ended };
}

function poll(session: LongPollSession): FakeResponder {
  const responder = new FakeResponder();
  session.poll(responder);
  return responder;
}

describe('LongPollSession: polls', () => {
  test('opens its connection once, with itself', () => {
    const { session, opened } = openSession();
    expect(opened).toEqual([session]);
    expect(session.name).toBe('longpoll');
  });

  test('frames buffered before a poll answer it at once: 200 with the token and the messages in order', () => {
    const { session } = openSession();
    session.send(text('a'));
    session.send(text('b'));
    const responder = poll(session);
    expect(responder.answers).toEqual([{ status: 200, token: 'token-1', messages: ['a', 'b'] }]);
    expect(session.isPolling).toBe(false);
    // The buffer was emptied: the next poll waits.
    expect(poll(session).answers).toEqual([]);
    expect(session.isPolling).toBe(true);
  });

  test('a poll with nothing to collect waits, and answers 204 with the token after windowMs', () => {
    const { session } = openSession();
    const responder = poll(session);
    expect(session.isPolling).toBe(true);
    jest.advanceTimersByTime(WINDOW_MS - 1);
    expect(responder.answers).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(responder.answers).toEqual([{ status: 204, token: 'token-1', messages: [] }]);
    expect(session.isPolling).toBe(false);
  });

  test('a newer poll answers the waiting one with 204 and waits in its place', () => {
    const { session } = openSession();
    const older = poll(session);
    const newer = poll(session);
    expect(older.answers).toEqual([{ status: 204, token: 'token-1', messages: [] }]);
    expect(newer.answers).toEqual([]);
    session.send(text('a'));
    nextMacrotask();
    expect(newer.answers).toEqual([{ status: 200, token: 'token-1', messages: ['a'] }]);
    expect(older.answers).toHaveLength(1);
  });

  test('frames sent while a poll waits answer it on the next macrotask, together, and its window is cancelled', () => {
    const { session } = openSession();
    const responder = poll(session);
    session.send(text('a'));
    session.send(text('b'));
    expect(responder.answers).toEqual([]);
    nextMacrotask();
    expect(responder.answers).toEqual([{ status: 200, token: 'token-1', messages: ['a', 'b'] }]);
    // The next poll gets a window of its own, not the rest of the answered one's.
    jest.advanceTimersByTime(WINDOW_MS / 2);
    const next = poll(session);
    jest.advanceTimersByTime(WINDOW_MS / 2);
    expect(next.answers).toEqual([]);
    jest.advanceTimersByTime(WINDOW_MS / 2);
    expect(next.answers).toEqual([{ status: 204, token: 'token-1', messages: [] }]);
    expect(responder.answers).toHaveLength(1);
  });

  test('a flushed poll whose messages another poll took meanwhile goes back to waiting', () => {
    const { session } = openSession();
    const flushed = poll(session);
    session.send(text('a'));
    const taker = poll(session);
    expect(taker.answers).toEqual([{ status: 200, token: 'token-1', messages: ['a'] }]);
    nextMacrotask();
    expect(flushed.answers).toEqual([]);
    expect(session.isPolling).toBe(true);
    jest.advanceTimersByTime(WINDOW_MS);
    expect(flushed.answers).toEqual([{ status: 204, token: 'token-1', messages: [] }]);
  });

  test('a poll whose client went away stops waiting and is never answered; frames wait for the next poll', () => {
    const { session } = openSession();
    const responder = poll(session);
    responder.abort();
    expect(session.isPolling).toBe(false);
    jest.advanceTimersByTime(WINDOW_MS);
    session.send(text('a'));
    nextMacrotask();
    expect(responder.answers).toEqual([]);
    expect(poll(session).answers).toEqual([{ status: 200, token: 'token-1', messages: ['a'] }]);
  });
});

describe('LongPollSession: the end', () => {
  test('a waiting poll gets 410 at the end; the connection and onEnded are told once', () => {
    const { session, inbound, ended } = openSession();
    const responder = poll(session);
    session.end();
    session.end();
    session.close();
    expect(responder.answers).toEqual([{ status: 410 }]);
    expect(session.isEnded).toBe(true);
    expect(session.isPolling).toBe(false);
    expect(inbound.transportClosedCalls).toBe(1);
    expect(ended).toEqual([session]);
  });

  test('close() from the channel layer ends the session like end()', () => {
    const { session, inbound, ended } = openSession();
    session.close();
    expect(session.isEnded).toBe(true);
    expect(inbound.transportClosedCalls).toBe(1);
    expect(ended).toEqual([session]);
  });

  test('a poll after the end gets 410, and frames sent after the end are dropped', () => {
    const { session } = openSession();
    session.send(text('before'));
    session.end();
    session.send(text('after'));
    expect(poll(session).answers).toEqual([{ status: 410 }]);
  });

  // The flush takes the poll out of `waiting`, and the end empties the buffer it was flushed for:
  // without an answer here the poll would hang until the client gives up (phoenix: 20 s).
  test('a poll flushed in the turn the session ends still learns at once that it is gone (410)', () => {
    const { session } = openSession();
    const responder = poll(session);
    session.send(text('a'));
    session.end();
    nextMacrotask();
    expect(responder.answers).toEqual([{ status: 410 }]);
  });

  test('messages flushed to a poll whose client went away meanwhile wait for the next poll', () => {
    const { session } = openSession();
    const gone = poll(session);
    session.send(text('a'));
    gone.abort();
    nextMacrotask();
    expect(gone.answers).toEqual([]);
    expect(poll(session).answers).toEqual([{ status: 200, token: 'token-1', messages: ['a'] }]);
  });

  test('over maxBufferedBytes undelivered, the session ends itself and its connection is told', () => {
    const { session, inbound, ended } = openSession({ maxBufferedBytes: 10 });
    session.send(text('123456'));
    expect(session.isEnded).toBe(false);
    session.send(text('7890ab'));
    expect(session.isEnded).toBe(true);
    expect(inbound.transportClosedCalls).toBe(1);
    expect(ended).toEqual([session]);
    expect(warnings).toEqual([expect.stringContaining('session-1 holds over 10 bytes undelivered')]);
    expect(poll(session).answers).toEqual([{ status: 410 }]);
  });

  test('what a poll collected no longer counts against maxBufferedBytes', () => {
    const { session } = openSession({ maxBufferedBytes: 10 });
    session.send(text('123456'));
    expect(poll(session).answers).toHaveLength(1);
    session.send(text('7890ab'));
    expect(session.isEnded).toBe(false);
  });

  test('counts bytes as UTF-8, not string length', () => {
    const { session } = openSession({ maxBufferedBytes: 10 });
    session.send(text('ééé'));
    expect(session.heldBytes).toBe(6);
    // 6 characters in all, 12 bytes.
    session.send(text('ééé'));
    expect(session.isEnded).toBe(true);
  });
});

describe('LongPollSession: the node budget', () => {
  function openMany(budgetBytes: number, count: number) {
    const sessions: LongPollSession[] = [];
    const budget = new LongPollBudget(budgetBytes, () => sessions);
    for (let i = 0; i < count; i++) {
      sessions.push(openSession({}, budget, `session-${i}`).session);
    }
    return { sessions, budget };
  }

  test('each session within its own limit, together over the budget: those holding the most end, to 3/4 of it', () => {
    const { sessions, budget } = openMany(100, 4);
    const [a, b, c, d] = sessions as [LongPollSession, LongPollSession, LongPollSession, LongPollSession];
    a.send(text('x'.repeat(40)));
    b.send(text('x'.repeat(30)));
    c.send(text('x'.repeat(20)));
    expect(budget.heldBytes).toBe(90);
    d.send(text('x'.repeat(11)));
    // 101 > 100: a (40) goes, leaving 61 <= 75.
    expect(sessions.map((session) => session.isEnded)).toEqual([true, false, false, false]);
    expect(budget.heldBytes).toBe(61);
    expect(warnings).toEqual([expect.stringContaining('ended the 1 holding the most')]);
    expect(poll(b).answers).toEqual([{ status: 200, token: 'token-1', messages: ['x'.repeat(30)] }]);
  });

  test('the session whose message went over the budget may be the one that ends; its message is not delivered', () => {
    const { sessions, budget } = openMany(50, 2);
    const [a, b] = sessions as [LongPollSession, LongPollSession];
    b.send(text('x'.repeat(10)));
    a.send(text('x'.repeat(45)));
    expect([a.isEnded, b.isEnded]).toEqual([true, false]);
    expect(budget.heldBytes).toBe(10);
    expect(poll(a).answers).toEqual([{ status: 410 }]);
  });

  test('what polls collect and what ended sessions held is given back', () => {
    const { sessions, budget } = openMany(1000, 2);
    const [a, b] = sessions as [LongPollSession, LongPollSession];
    a.send(text('x'.repeat(100)));
    b.send(text('x'.repeat(200)));
    poll(a);
    expect(budget.heldBytes).toBe(200);
    b.end();
    expect(budget.heldBytes).toBe(0);
  });
});

describe('LongPollSession: posts', () => {
  test('feed their frames to the connection in order', () => {
    const { session, inbound } = openSession();
    session.post([
      { data: Buffer.from('[null,"1","phoenix","heartbeat",{}]'), binary: false },
      { data: Buffer.from([1, 2, 3]), binary: true },
    ]);
    session.post([{ data: Buffer.from('third'), binary: false }]);
    expect(inbound.frames).toEqual([
      ['[null,"1","phoenix","heartbeat",{}]', false],
      ['\u0001\u0002\u0003', true],
      ['third', false],
    ]);
  });

  test('stop at the end, even in the middle of a batch', () => {
    const { session, inbound } = openSession();
    inbound.onFrame = (frame) => {
      if (frame === 'closing') session.end();
    };
    session.post([
      { data: Buffer.from('first'), binary: false },
      { data: Buffer.from('closing'), binary: false },
      { data: Buffer.from('dropped'), binary: false },
    ]);
    session.post([{ data: Buffer.from('late'), binary: false }]);
    expect(inbound.frames.map(([frame]) => frame)).toEqual(['first', 'closing']);
  });
});

describe('LongPollSession: frames', () => {
  test('binary frames are dropped, with one warning for the session', () => {
    const { session } = openSession();
    session.send({ data: Buffer.from([1]), binary: true });
    session.send({ data: Buffer.from([2]), binary: true });
    session.send(text('kept'));
    expect(warnings).toEqual(['Binary frames cannot be delivered over long-poll; dropped']);
    expect(poll(session).answers).toEqual([{ status: 200, token: 'token-1', messages: ['kept'] }]);
  });

  test('a Buffer frame is delivered as its UTF-8 text', () => {
    const { session } = openSession();
    session.send({ data: Buffer.from('["j","r","t","é",{}]'), binary: false });
    expect(poll(session).answers[0]!.messages).toEqual(['["j","r","t","é",{}]']);
  });

  test('a shared broadcast frame is decoded to text once for every session', () => {
    const [first, second] = [openSession(), openSession()];
    const frame = new SharedFrame(Buffer.from('[null,null,"t","e",{}]'), false, false);
    const decode = jest.spyOn(frame.data, 'toString');
    first.session.send(frame);
    second.session.send(frame);
    expect(decode).toHaveBeenCalledTimes(1);
    for (const { session } of [first, second]) {
      expect(poll(session).answers).toEqual([{ status: 200, token: 'token-1', messages: ['[null,null,"t","e",{}]'] }]);
    }
  });

  test('a frame that is not shared is decoded by each session', () => {
    const [first, second] = [openSession(), openSession()];
    const frame: Frame = { data: Buffer.from('[null,null,"t","e",{}]'), binary: false };
    const decode = jest.spyOn(frame.data as Buffer, 'toString');
    first.session.send(frame);
    second.session.send(frame);
    expect(decode).toHaveBeenCalledTimes(2);
  });
});

describe('LongPollSession: lastActiveAt', () => {
  test('starts at creation and moves on each poll and post', () => {
    const { session } = openSession();
    expect(session.lastActiveAt).toBe(START);
    jest.advanceTimersByTime(5_000);
    poll(session);
    expect(session.lastActiveAt).toBe(START + 5_000);
    jest.advanceTimersByTime(1_000);
    session.post([]);
    expect(session.lastActiveAt).toBe(START + 6_000);
  });

  test('moves when a waiting poll is answered or its client goes away', () => {
    const { session } = openSession();
    poll(session);
    jest.advanceTimersByTime(WINDOW_MS);
    expect(session.lastActiveAt).toBe(START + WINDOW_MS);
    const leaving = poll(session);
    jest.advanceTimersByTime(3_000);
    leaving.abort();
    expect(session.lastActiveAt).toBe(START + WINDOW_MS + 3_000);
  });

  test('does not move while nothing comes from the client', () => {
    const { session } = openSession();
    jest.advanceTimersByTime(60_000);
    session.send(text('a'));
    expect(session.lastActiveAt).toBe(START);
  });
});
