import { Logger } from '@nestjs/common';
import { protocolError, ProtocolError } from '../errors/protocol.error.js';
import type { TransportConnection, TransportName } from '../interfaces/transport.interface.js';
import { HEARTBEAT_TOPIC, PhxEvent } from '../protocol/events.js';
import { ControlEvent, ControlTopic, isReservedEvent, isReservedTopic } from '../protocol/reserved.js';
import type { Frame, InboundMessage, ReplyStatus } from '../protocol/messages.js';
import { nestsDeeperThan } from '../protocol/payload-depth.js';
import type { BroadcastMessage } from '../pubsub/broadcast-message.js';
import type { BroadcastSubscriber } from '../pubsub/broadcast-subscriber.interface.js';
import type { Serializer } from '../serializers/serializer.interface.js';
import type { ChannelHost } from './channel-host.interface.js';
import { ChannelProcess, type TerminateReason } from './channel-process.js';
import { CloseCode } from '../protocol/close-codes.js';
import type { ConnectionContext } from './connection-context.interface.js';
import { InboundRateLimit } from './inbound-rate-limit.js';
import { SocketChannels } from './socket-channels.js';
import { TokenBucket } from './token-bucket.js';
import { nextSubscriberId } from '../node-identity.js';
import { ThrottledWarning } from '../logging/throttled-warning.js';
import { eventChannels, frameBytes } from '../observability/event-channels.js';
import type { DisconnectReason, MessageOutEvent } from '../observability/events.js';

/** Shared by every connection until it closes, instead of a resolved Promise each. */
const NOTHING_TO_WAIT_FOR = Promise.resolve();

const logger = new Logger('Socket');
/** A client that sends bad frames is a bug to fix, but a flood of such clients must not flood the log. */
const malformedFrames = new ThrottledWarning('Socket', 'socket');

/** Topics longer than this cannot be framed by the 2.0.0 binary protocol (one length byte). */
export const MAX_TOPIC_BYTES = 255;

/**
 * One client connection: Phoenix's socket process. Decodes frames, answers heartbeats, routes
 * joins to channels and every other message to the channel joined on its topic.
 */
export class SocketConnection implements ChannelHost, BroadcastSubscriber {
  /** Made when first asked for (a socket id's control topic, a log line): most connections never need one. */
  private ownSubscriberId: string | undefined;
  /** When the last frame arrived (ms since epoch); the idle sweep reads it. */
  lastSeenAt = Date.now();
  private readonly channels = new SocketChannels<ChannelProcess>();
  private readonly rateLimit: InboundRateLimit | undefined;
  /** Made at the first malformed frame: most sockets never send one. */
  private malformedAllowance: TokenBucket | undefined;
  /** Made at the first join. */
  private joinAllowance: TokenBucket | undefined;
  private closed = false;
  /** Settles once the socket closed and every channel's `@Terminate` returned. */
  terminated: Promise<void> = NOTHING_TO_WAIT_FOR;

  constructor(
    private readonly transport: TransportConnection,
    readonly serializer: Serializer,
    readonly assigns: Record<string, unknown>,
    readonly socketId: string | null,
    private readonly context: ConnectionContext,
  ) {
    if (socketId !== null) context.pubsub.subscribe(ControlTopic.socket(socketId), this);
    if (context.rateLimit) this.rateLimit = new InboundRateLimit(context.rateLimit, context.byteRateLimit);
  }

  get subscriberId(): string {
    return (this.ownSubscriberId ??= nextSubscriberId('socket'));
  }

  get transportName(): TransportName {
    return this.transport.name;
  }

  /** Channels this connection holds, joining or joined. */
  get channelCount(): number {
    return this.channels.size;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  handleFrame(data: Buffer, isBinary: boolean): void {
    if (this.closed) return;
    const now = Date.now();
    this.lastSeenAt = now;
    if (eventChannels.messageIn.hasSubscribers) eventChannels.messageIn.publish({ transport: this.transport.name, bytes: data.length });
    const verdict = this.rateLimit?.take(now, data.length) ?? 'accept';
    if (verdict === 'close') {
      logger.warn(`Closing socket ${this.socketId ?? this.subscriberId}: it kept sending past its rate limit`);
      this.close(CloseCode.policyViolation, 'rate limit exceeded', 'closed', 'rate_limit');
      return;
    }
    if (verdict === 'drop') return;
    let message: InboundMessage;
    try {
      message = this.serializer.decode(data, isBinary);
      if (nestsDeeperThan(message.payload, this.context.maxPayloadDepth)) {
        throw protocolError(`the payload nests deeper than ${this.context.maxPayloadDepth} levels`, message);
      }
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.malformedFrame(error, now);
      return;
    }
    if (verdict === 'refuse') {
      this.reply(message, 'error', { reason: 'rate limited' });
      return;
    }
    this.route(message);
  }

  /**
   * A message a transport decoded itself (STOMP, whose frames carry more than a serializer's):
   * the rate limit and the routing of {@link handleFrame}, without its decoding. Over the rate
   * limit it is refused with an error reply (the transport answers it; nothing is dropped unanswered).
   */
  handleMessage(message: InboundMessage, size: number): void {
    if (this.closed) return;
    const now = Date.now();
    this.lastSeenAt = now;
    if (eventChannels.messageIn.hasSubscribers) eventChannels.messageIn.publish({ transport: this.transport.name, bytes: size });
    const verdict = this.rateLimit?.take(now, size) ?? 'accept';
    if (verdict === 'close') {
      logger.warn(`Closing socket ${this.socketId ?? this.subscriberId}: it kept sending past its rate limit`);
      this.close(CloseCode.policyViolation, 'rate limit exceeded', 'closed', 'rate_limit');
      return;
    }
    if (verdict !== 'accept') {
      this.reply(message, 'error', { reason: 'rate limited' });
      return;
    }
    this.route(message);
  }

  /** A channel handled `message` without replying: transports whose clients expect an answer (STOMP receipts) learn of it. */
  handled(message: InboundMessage): void {
    if (!this.closed) this.transport.handled?.(message);
  }

  /**
   * A WebSocket ping: it takes a token of the rate limit like any frame (answering pings costs as
   * much as answering frames). Returns whether to answer it with a pong.
   */
  handlePing(): boolean {
    if (this.closed) return false;
    const now = Date.now();
    this.lastSeenAt = now;
    const verdict = this.rateLimit?.take(now) ?? 'accept';
    if (verdict === 'close') {
      logger.warn(`Closing socket ${this.socketId ?? this.subscriberId}: it kept pinging past its rate limit`);
      this.close(CloseCode.policyViolation, 'rate limit exceeded', 'closed', 'rate_limit');
    }
    return verdict === 'accept';
  }

  /** Hands `frame` to the transport; `kind` is what the message events report it as. */
  send(frame: Frame, kind: MessageOutEvent['kind'] = 'push'): void {
    if (this.closed) return;
    if (eventChannels.messageOut.hasSubscribers) {
      eventChannels.messageOut.publish({ transport: this.transport.name, kind, bytes: frameBytes(frame.data) });
    }
    this.transport.send(frame);
  }

  channelEnded(channel: ChannelProcess): void {
    this.channels.delete(channel.topic, channel);
  }

  /** A message on this socket id's control topic: `disconnect` closes the socket. */
  deliver(message: BroadcastMessage): void {
    if (message.event === ControlEvent.disconnect) this.close(CloseCode.goingAway, 'disconnected', 'closed', 'server');
  }

  /**
   * Closes the transport and ends every channel (`@Terminate` runs with `terminateReason`);
   * `why` is the reason the disconnect event reports.
   */
  close(code: number, reason: string, terminateReason: TerminateReason = 'closed', why: DisconnectReason = 'server'): void {
    if (this.closed) return;
    this.transportClosed(why, terminateReason);
    this.transport.close(code, reason);
  }

  /** The transport is gone: end every channel without telling the client. */
  transportClosed(why: DisconnectReason = this.transport.closeReason ?? 'client', terminateReason: TerminateReason = 'closed'): void {
    if (this.closed) return;
    this.closed = true;
    if (eventChannels.socketDisconnect.hasSubscribers) {
      eventChannels.socketDisconnect.publish({ transport: this.transport.name, socketId: this.socketId, reason: why });
    }
    if (this.socketId !== null) this.context.pubsub.unsubscribe(ControlTopic.socket(this.socketId), this);
    const terminated = this.channels.takeAll().map((channel) => channel.shutdown(terminateReason, false));
    this.terminated = Promise.all(terminated).then(() => undefined);
    this.context.connectionClosed(this);
  }

  private route(message: InboundMessage): void {
    const { topic, event } = message;
    if (topic === HEARTBEAT_TOPIC && event === PhxEvent.heartbeat) {
      this.reply(message, 'ok', {});
      return;
    }
    if (event === PhxEvent.join) {
      this.join(message);
      return;
    }
    const channel = this.channels.get(topic);
    const current = channel !== undefined && (message.joinRef === null || message.joinRef === channel.joinRef);
    if (event === PhxEvent.leave) {
      if (current) {
        this.channels.delete(topic);
        channel.leave(message);
      } else {
        this.reply(message, 'ok', {});
      }
      return;
    }
    if (!channel) {
      this.reply(message, 'error', { reason: 'unmatched topic' });
      return;
    }
    if (isReservedEvent(event)) {
      this.reply(message, 'error', { reason: 'reserved event' });
      return;
    }
    // A frame for an earlier join of this topic raced its close: drop it, as Phoenix does.
    if (current) channel.handleIn(message);
  }

  private join(message: InboundMessage): void {
    const { topic } = message;
    if (Buffer.byteLength(topic) > MAX_TOPIC_BYTES) {
      this.reply(message, 'error', { reason: 'invalid topic' });
      return;
    }
    const joinRateLimit = this.context.joinRateLimit;
    if (joinRateLimit !== false) {
      this.joinAllowance ??= new TokenBucket(joinRateLimit);
      if (!this.joinAllowance.takeToken()) {
        this.reply(message, 'error', { reason: 'rate limited' });
        return;
      }
    }
    const existing = this.channels.get(topic);
    if (existing) {
      this.channels.delete(topic);
      existing.shutdown('duplicate_join', true);
    } else if (this.channels.size >= this.context.maxChannelsPerSocket) {
      this.reply(message, 'error', { reason: 'too many channels joined' });
      return;
    }
    const definition = isReservedTopic(topic) ? this.context.reservedChannel(topic) : this.context.router.match(topic);
    if (!definition) {
      logger.debug(`Ignoring join of unmatched topic "${topic}"`);
      this.reply(message, 'error', { reason: 'unmatched topic' });
      return;
    }
    const channel = new ChannelProcess(this, definition, topic, message.joinRef ?? message.ref, this.context);
    this.channels.add(channel);
    channel.join(message);
  }

  /**
   * Answers a malformed frame with an error reply on the `phoenix` topic while the socket's
   * allowance lasts, then closes it with 1007. An error reply costs the server far less than the
   * reconnect a close provokes, and tells a faulty client what it did wrong.
   */
  private malformedFrame(error: ProtocolError, now: number): void {
    const allowance = this.context.malformedFrameAllowance;
    if (this.malformedAllowance === undefined) this.warnMalformed(error);
    if (allowance !== false) this.malformedAllowance ??= new TokenBucket(allowance, now);
    if (this.malformedAllowance?.takeToken(now) !== true) {
      logger.debug(`Closing a socket that sent too many malformed frames: ${error.message}`);
      this.close(error.closeCode, error.message, 'closed', 'malformed');
      return;
    }
    const response = { reason: 'malformed frame', detail: error.message };
    // On the frame's own topic when it could be read: phoenix.js fires that push's error callback.
    const { ref, topic } = error;
    const reply = topic === null ? { joinRef: null, ref, topic: HEARTBEAT_TOPIC } : { joinRef: error.joinRef, ref, topic };
    this.send(this.serializer.encodeReply({ ...reply, status: 'error', response }), 'reply');
  }

  /** The first malformed frame of a socket is logged: a client that speaks another dialect is otherwise silent. */
  private warnMalformed(error: ProtocolError): void {
    const where = error.topic === null ? '' : ` on "${error.topic}"`;
    malformedFrames.warn(
      `Socket ${this.socketId ?? this.subscriberId} (${this.transport.name}, serializer ${this.serializer.vsn}) sent a malformed frame${where}: ` +
        `${error.message}. It got an error reply; its later malformed frames are not logged`,
    );
  }

  private reply(message: InboundMessage, status: ReplyStatus, response: unknown): void {
    if (message.ref === null) return;
    const { joinRef, ref, topic } = message;
    this.send(this.serializer.encodeReply({ joinRef, ref, topic, status, response }), 'reply');
  }
}
