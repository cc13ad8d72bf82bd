import type { ReplyStatus } from 'nestjs-channels';
import { PhxEvent } from '../protocol/events.js';
import { CallSite, ChannelAssertionError } from './errors.js';
import { describeExpected, formatList, formatPayload } from './format.js';
import type { InProcessTransport } from './in-process-transport.js';
import { matchesPayload } from './match-payload.js';
import type { Timeouts } from './timeouts.js';
import type { TopicSubscription } from './topic-subscription.js';
import type { ClientMessage, ReceivedMessage, ReceivedReply } from './wire-codec.js';

/** The connection a `TestChannel` talks through. */
export interface ChannelClient {
  readonly transport: InProcessTransport;
  nextRef(): string;
  send(message: ClientMessage): void;
  subscribeAndJoin(topic: string, payload?: unknown, timeoutMs?: number): Promise<TestChannel>;
}

/** What a join on a history topic said in its reply (`recovery`). @publicApi */
export interface JoinRecovery {
  /** The topic's position when the join took effect: `"<epoch>:<offset>"`. */
  readonly position?: string;
  /** Present when the join asked with `since`. */
  readonly recovered?: boolean;
}

/** More expectations of `assertPush`. @publicApi */
export interface PushExpectation {
  /** The message's position (its `ref`): a `"<epoch>:<offset>"`, or `true` for any (a history broadcast). */
  position?: string | true;
  timeoutMs?: number;
}

/**
 * One joined topic of a `TestSocket`, as `subscribeAndJoin()` returns it: push to the channel and
 * assert on what comes back. Every `assert*` resolves as soon as a match arrives and rejects with
 * a `ChannelAssertionError` listing what did arrive; each received message satisfies one assertion.
 * @publicApi
 */
export class TestChannel {
  /** @internal Made by the harness. */
  constructor(
    private readonly client: ChannelClient,
    /** The joined topic. */
    readonly topic: string,
    /** The ref of the join; pushes of this join carry it. */
    readonly joinRef: string,
    /** The response of the join reply (what the `@Join` handler returned, `{}` when nothing). */
    readonly joinResponse: unknown,
    private readonly subscription: TopicSubscription,
    private readonly timeouts: Timeouts,
  ) {}

  /**
   * Sends `event` to the channel as the phoenix client does (a `Buffer`/`ArrayBuffer` payload
   * goes as a binary frame) and returns the message ref, for `assertReply`.
   */
  push(event: string, payload: unknown = {}): string {
    const ref = this.client.nextRef();
    this.client.send({ joinRef: this.joinRef, ref, topic: this.topic, event, payload });
    return ref;
  }

  /** Leaves the topic (`phx_leave`) and waits for the ok reply; `@Terminate` runs with `'leave'`. */
  async leave(timeoutMs = this.timeouts.assert): Promise<void> {
    const site = new CallSite(this.leave);
    const ref = this.push(PhxEvent.leave, {});
    await this.expectReply(ref, 'ok', undefined, timeoutMs, site, 'leave');
  }

  /**
   * Waits for the reply to `ref` and checks its status and response (`payload`, a subset match;
   * omit to accept any). Resolves with the response. Fails at once if the reply differs.
   */
  assertReply(ref: string, status: ReplyStatus, payload?: unknown, timeoutMs = this.timeouts.assert): Promise<unknown> {
    return this.expectReply(ref, status, payload, timeoutMs, new CallSite(this.assertReply), 'assertReply');
  }

  private async expectReply(
    ref: string,
    status: ReplyStatus,
    payload: unknown,
    timeoutMs: number,
    site: CallSite,
    name: string,
  ): Promise<unknown> {
    const expected = `a reply to ref "${ref}" with status "${status}"${describeExpected(payload)} on "${this.topic}"`;
    const reply = await this.client.transport.replies.take(
      (candidate) => candidate.ref === ref && candidate.topic === this.topic,
      timeoutMs,
      () =>
        site.fail(
          new ChannelAssertionError(
            `${name}: expected ${expected} within ${timeoutMs} ms.\nReplies received:${this.describeReplies()}`,
          ),
        ),
    );
    if (reply.status !== status || !matchesPayload(reply.response, payload)) {
      throw site.fail(new ChannelAssertionError(`${name}: expected ${expected}, got ${describeReply(reply)}.`));
    }
    return reply.response;
  }

  /** Resolves if no reply to `ref` matching `status` and `payload` (any when omitted) arrives within `timeoutMs`. */
  refuteReply(ref: string, status?: ReplyStatus, payload?: unknown, timeoutMs = this.timeouts.refute): Promise<void> {
    const site = new CallSite(this.refuteReply);
    return this.client.transport.replies.watch(
      (reply) =>
        reply.ref === ref &&
        reply.topic === this.topic &&
        (status === undefined || reply.status === status) &&
        matchesPayload(reply.response, payload),
      timeoutMs,
      (reply) => site.fail(new ChannelAssertionError(`refuteReply: unexpected ${describeReply(reply)} on "${this.topic}".`)),
    );
  }

  /**
   * Waits for a message of `event` sent to this client on this channel and resolves with its
   * payload: a push, a broadcast that reached the client, or `phx_close` / `phx_error`.
   * `payload` is a subset match (omit to accept any).
   */
  async assertPush(event: string, payload?: unknown, expectation: number | PushExpectation = {}): Promise<unknown> {
    const site = new CallSite(this.assertPush);
    const { position, timeoutMs = this.timeouts.assert } = typeof expectation === 'number' ? { timeoutMs: expectation } : expectation;
    const at = position === undefined ? '' : position === true ? ' with a position' : ` at position "${position}"`;
    const message = await this.client.transport.messages.take(
      (candidate) =>
        this.owns(candidate) &&
        candidate.event === event &&
        matchesPayload(candidate.payload, payload) &&
        (position === undefined || (position === true ? candidate.ref !== null : candidate.ref === position)),
      timeoutMs,
      () =>
        site.fail(
          new ChannelAssertionError(
            `assertPush: no push "${event}"${describeExpected(payload)}${at} on "${this.topic}" within ${timeoutMs} ms.` +
              `\nReceived on "${this.topic}":${this.describeMessages()}`,
          ),
        ),
    );
    return message.payload;
  }

  /** What the join reply said of the topic's history (`recovery`); undefined on topics without history. */
  get recovery(): JoinRecovery | undefined {
    const response = this.joinResponse as { recovery?: JoinRecovery } | null;
    return typeof response === 'object' && response !== null ? response.recovery : undefined;
  }

  /** The position of the last history broadcast received on this channel, else the join's. */
  get position(): string | undefined {
    const positioned = this.received.filter((message) => message.joinRef === null && message.ref !== null);
    return positioned.at(-1)?.ref ?? this.recovery?.position;
  }

  /**
   * Joins the topic again on the same socket, as phoenix.js does after a reconnect, with `params`
   * as the join payload, e.g. `rejoin({ since: channel.position })` to recover what was missed.
   * Resolves with the new join's channel.
   */
  rejoin(params: Record<string, unknown> = {}, timeoutMs = this.timeouts.assert): Promise<TestChannel> {
    return this.client.subscribeAndJoin(this.topic, params, timeoutMs);
  }

  /** Resolves if no message of `event` matching `payload` (any when omitted) reaches this client within `timeoutMs`. */
  refutePush(event: string, payload?: unknown, timeoutMs = this.timeouts.refute): Promise<void> {
    const site = new CallSite(this.refutePush);
    return this.client.transport.messages.watch(
      (message) => this.owns(message) && message.event === event && matchesPayload(message.payload, payload),
      timeoutMs,
      (message) =>
        site.fail(
          new ChannelAssertionError(
            `refutePush: unexpected ${describeMessage(message)} on "${this.topic}"` +
              `${payload === undefined ? '' : `, which matches ${formatPayload(payload)}`}.`,
          ),
        ),
    );
  }

  /** `TopicSubscription.assertBroadcast` for this topic: what was published, to any subscriber. */
  assertBroadcast(event: string, payload?: unknown, timeoutMs = this.timeouts.assert): Promise<unknown> {
    return this.subscription.expectBroadcast(event, payload, timeoutMs, new CallSite(this.assertBroadcast));
  }

  /** `TopicSubscription.refuteBroadcast` for this topic. */
  refuteBroadcast(event: string, payload?: unknown, timeoutMs = this.timeouts.refute): Promise<void> {
    return this.subscription.watchBroadcast(event, payload, timeoutMs, new CallSite(this.refuteBroadcast));
  }

  /** Every message this client received on this channel so far, oldest first. */
  get received(): ReceivedMessage[] {
    return this.client.transport.messages
      .all()
      .map((entry) => entry.value)
      .filter((message) => this.owns(message));
  }

  /** Messages of this join, and broadcasts (no join ref) on its topic. */
  private owns(message: ReceivedMessage): boolean {
    return message.topic === this.topic && (message.joinRef === this.joinRef || message.joinRef === null);
  }

  private describeMessages(): string {
    const entries = this.client.transport.messages.all().filter((entry) => this.owns(entry.value));
    return formatList(entries.map(({ value, consumed }) => `${describeMessage(value)}${consumed ? ' (already asserted)' : ''}`));
  }

  private describeReplies(): string {
    const entries = this.client.transport.replies.all().filter((entry) => entry.value.topic === this.topic);
    return formatList(entries.map(({ value }) => describeReply(value)));
  }
}

function describeMessage(message: ReceivedMessage): string {
  const at = message.joinRef === null && message.ref !== null ? ` at "${message.ref}"` : '';
  return `${message.joinRef === null ? 'broadcast' : 'push'} "${message.event}"${at} ${formatPayload(message.payload)}`;
}

function describeReply(reply: ReceivedReply): string {
  return `reply to ref "${reply.ref}": ${reply.status} ${formatPayload(reply.response)}`;
}
