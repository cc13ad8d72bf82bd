import type { BroadcastMessage, PubSub } from 'nestjs-channels';
import { CallSite, ChannelAssertionError } from './errors.js';
import { describeExpected, formatList, formatPayload } from './format.js';
import { matchesPayload } from './match-payload.js';
import { MessageLog } from './message-log.js';
import type { Timeouts } from './timeouts.js';

/**
 * The test's own subscription to a PubSub topic (Phoenix's `subscribe` in `ChannelTest`): it
 * records every broadcast published on the topic from now on, whoever sent it and whichever
 * clients received it. Get one from `ChannelsTestHarness.subscribe()`; a joined `TestChannel`
 * uses the one of its topic.
 * @publicApi
 */
export class TopicSubscription {
  private readonly log = new MessageLog<BroadcastMessage>();
  private readonly handler = (message: BroadcastMessage) => this.log.record(message);

  /** @internal Made by the harness. */
  constructor(
    /** The subscribed topic. */
    readonly topic: string,
    private readonly pubsub: PubSub,
    private readonly timeouts: Timeouts,
  ) {
    pubsub.subscribe(topic, this.handler);
  }

  /**
   * Waits for a broadcast of `event` whose payload matches `payload` (a subset, as
   * `toMatchObject`; omit it to accept any) and resolves with its payload. Each broadcast
   * satisfies one assertion. Rejects with a `ChannelAssertionError` listing the broadcasts seen.
   */
  assertBroadcast(event: string, payload?: unknown, timeoutMs = this.timeouts.assert): Promise<unknown> {
    return this.expectBroadcast(event, payload, timeoutMs, new CallSite(this.assertBroadcast));
  }

  /**
   * Resolves if no broadcast of `event` matching `payload` (any payload when omitted) is
   * published within `timeoutMs`, or was published and not yet asserted; rejects otherwise.
   */
  refuteBroadcast(event: string, payload?: unknown, timeoutMs = this.timeouts.refute): Promise<void> {
    return this.watchBroadcast(event, payload, timeoutMs, new CallSite(this.refuteBroadcast));
  }

  /** @internal `assertBroadcast` with the test's call site. */
  expectBroadcast(event: string, payload: unknown, timeoutMs: number, site: CallSite): Promise<unknown> {
    return this.log
      .take(
        (message) => message.event === event && matchesPayload(message.payload, payload),
        timeoutMs,
        () =>
          site.fail(
            new ChannelAssertionError(
              `assertBroadcast: no broadcast "${event}"${describeExpected(payload)} on "${this.topic}" within ${timeoutMs} ms.` +
                `\nBroadcasts on "${this.topic}":${this.describeLog()}`,
            ),
          ),
      )
      .then((message) => message.payload);
  }

  /** @internal `refuteBroadcast` with the test's call site. */
  watchBroadcast(event: string, payload: unknown, timeoutMs: number, site: CallSite): Promise<void> {
    return this.log.watch(
      (message) => message.event === event && matchesPayload(message.payload, payload),
      timeoutMs,
      (message) =>
        site.fail(
          new ChannelAssertionError(
            `refuteBroadcast: unexpected broadcast "${event}" ${formatPayload(message.payload)} on "${this.topic}"` +
              `${payload === undefined ? '' : `, which matches ${formatPayload(payload)}`}.`,
          ),
        ),
    );
  }

  /** Every broadcast recorded so far, oldest first. */
  get broadcasts(): readonly BroadcastMessage[] {
    return this.log.all().map((entry) => entry.value);
  }

  /** Stops recording and ends pending assertions. */
  unsubscribe(): void {
    this.pubsub.unsubscribe(this.topic, this.handler);
    const ended = `the subscription to "${this.topic}" ended while an assertion waited`;
    this.log.cancelAll(() => new ChannelAssertionError(ended));
  }

  private describeLog(): string {
    return formatList(
      this.log
        .all()
        .map(({ value, consumed }) => `"${value.event}" ${formatPayload(value.payload)}${consumed ? ' (already asserted)' : ''}`),
    );
  }
}
