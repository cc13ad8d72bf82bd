import { PhxEvent } from '../protocol/events.js';
import type { SocketConnection } from '../socket/socket-connection.js';
import { CallSite, ChannelAssertionError, JoinRefusedError } from './errors.js';
import { formatList, formatPayload } from './format.js';
import type { CloseInfo, InProcessTransport } from './in-process-transport.js';
import { TestChannel } from './test-channel.js';
import type { Timeouts } from './timeouts.js';
import type { TopicSubscription } from './topic-subscription.js';
import { encodeClientFrame, type ClientMessage } from './wire-codec.js';
import { ChannelsError } from '../errors/channels.error.js';

/**
 * One connected test client, as `ChannelsTestHarness.connect()` returns it: the socket handler
 * accepted it, and it speaks serializer 2.0.0 to the real socket, as the phoenix client does.
 * @publicApi
 */
export class TestSocket {
  private ref = 0;

  /** @internal Made by the harness. */
  constructor(
    private readonly connection: SocketConnection,
    /** @internal Records every frame the server sent to this client. */
    readonly transport: InProcessTransport,
    private readonly subscribe: (topic: string) => TopicSubscription,
    private readonly timeouts: Timeouts,
  ) {}

  /** The socket id the socket handler's `id()` gave, or null. */
  get id(): string | null {
    return this.connection.socketId;
  }

  /** The connection assigns the socket handler's `connect()` set. */
  get assigns(): Readonly<Record<string, unknown>> {
    return this.connection.assigns;
  }

  /** True once the test or the server closed the connection. */
  get closed(): boolean {
    return this.connection.isClosed;
  }

  /**
   * Subscribes the test to `topic` (see `TopicSubscription`) and joins it through the real
   * `@Join` handler with its guards, pipes and interceptors. Resolves with the joined channel;
   * rejects with a `JoinRefusedError` (carrying the error `response`) when the join is answered
   * with an error, or a `ChannelAssertionError` when no reply comes within `timeoutMs`.
   */
  async subscribeAndJoin(topic: string, payload: unknown = {}, timeoutMs = this.timeouts.assert): Promise<TestChannel> {
    const site = new CallSite(this.subscribeAndJoin);
    const subscription = this.subscribe(topic);
    const ref = this.nextRef();
    this.send({ joinRef: ref, ref, topic, event: PhxEvent.join, payload });
    const reply = await this.transport.replies.take(
      (candidate) => candidate.ref === ref,
      timeoutMs,
      () => site.fail(new ChannelAssertionError(`subscribeAndJoin: no reply to the join of "${topic}" within ${timeoutMs} ms.`)),
    );
    if (reply.status !== 'ok') {
      throw site.fail(new JoinRefusedError(topic, reply.response, `${reply.status} ${formatPayload(reply.response)}`));
    }
    return new TestChannel(this, topic, ref, reply.response, subscription, this.timeouts);
  }

  /**
   * Waits until the server closes this connection (e.g. `ChannelsServer.disconnect(id)`, or an
   * idle timeout) and resolves with the close code and reason; with `code`, checks it too.
   */
  async assertClosed(code?: number, timeoutMs = this.timeouts.assert): Promise<CloseInfo> {
    const site = new CallSite(this.assertClosed);
    const close = await this.transport.closes.take(
      () => true,
      timeoutMs,
      () => site.fail(new ChannelAssertionError(`assertClosed: the server did not close the socket within ${timeoutMs} ms.`)),
    );
    if (code !== undefined && close.code !== code) {
      const got = `${close.code} (${close.reason})`;
      throw site.fail(new ChannelAssertionError(`assertClosed: expected close code ${code}, got ${got}.`));
    }
    return close;
  }

  /**
   * Closes the connection as a client going away would: every channel ends and `@Terminate`
   * runs with `'closed'`. Resolves once the handlers that were ready to run have run.
   */
  async close(): Promise<void> {
    this.connection.transportClosed();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** @internal Sends a client frame through the real socket's frame handler. */
  send(message: ClientMessage): void {
    if (this.connection.isClosed) {
      throw new ChannelsError('CHANNELS_ERR_TEST_SOCKET_CLOSED', `cannot send "${message.event}" on "${message.topic}": the socket is closed${this.describeClose()}`);
    }
    const frame = encodeClientFrame(message);
    this.connection.handleFrame(frame.data, frame.binary);
  }

  /** @internal The next message ref, numbered like the phoenix client's. */
  nextRef(): string {
    this.ref += 1;
    return String(this.ref);
  }

  private describeClose(): string {
    const closes = this.transport.closes.all().map(({ value }) => `closed by the server: ${value.code} ${value.reason}`);
    return closes.length === 0 ? '' : formatList(closes);
  }
}
