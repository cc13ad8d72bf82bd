import type { DecodedInboundConnection, TransportConnection } from '../../interfaces/transport.interface.js';
import type { DisconnectReason } from '../../observability/events.js';
import type { Frame, InboundMessage, ReplyMessage } from '../../protocol/messages.js';
import { CloseCode } from '../../protocol/close-codes.js';
import type { WsTransportConnection } from '../websocket/ws-transport-connection.js';
import type { HeaderEscaping } from './stomp-escaping.js';
import { encodeFrame, encodeFrameWithBody } from './stomp-frame-encoder.js';
import type { StompHeaders } from './stomp-frame.js';
import { StompMessageTemplate } from './stomp-message-template.js';
import { BINARY_CONTENT_TYPE, StompChannelEnd, StompReply, stompBody, TOPIC_PREFIX } from './stomp-serializer.js';
import { StompSubscriptions, type StompTopic } from './stomp-subscriptions.js';
import { nextStompId } from './stomp-ids.js';

/** Server heart-beat: one EOL. */
const HEARTBEAT = Buffer.from('\n');

/**
 * A STOMP client as the channel layer sees it (a TransportConnection): replies become the
 * `MESSAGE`, `RECEIPT` or `ERROR` their request calls for, broadcasts and pushes become a
 * `MESSAGE` per subscription of their topic. Writes go through the WebSocket transport's
 * connection, which coalesces a run's writes into one and drops slow consumers.
 *
 * One layer of a STOMP connection's single object: it extends the subscriptions it answers for,
 * and the session (which reads the client's frames) extends it. Separate objects linked by fields
 * would cost every idle connection a header and a link each; methods on a prototype cost nothing.
 */
export abstract class StompConnection extends StompSubscriptions implements TransportConnection {
  /** Header escaping of the negotiated version; set at CONNECT. */
  escaping: HeaderEscaping = 'none';
  /** The channel layer's side of this client, once its CONNECT is accepted. */
  inbound: DecodedInboundConnection | undefined;
  private writesClosed = false;

  constructor(protected readonly writer: WsTransportConnection) {
    super();
  }

  /** Ends the connection from this side (every channel ends, then the socket closes): after an ERROR, or at DISCONNECT. */
  abstract end(code: number, reason: string): void;

  /** On the prototype, not a field of every connection. */
  get name(): 'stomp' {
    return 'stomp';
  }

  get isClosed(): boolean {
    return this.writesClosed;
  }

  get closeReason(): DisconnectReason | undefined {
    return this.writer.closeReason;
  }

  send(frame: Frame): void {
    if (this.writesClosed) return;
    if (frame instanceof StompReply) return this.answer(frame.reply);
    if (frame instanceof StompChannelEnd) return this.channelEnded(frame);
    const template = StompMessageTemplate.of(frame, this.escaping);
    const topic = this.topic(template.topic);
    if (topic === undefined) return;
    const only = topic.only;
    if (only !== undefined) this.writer.send(template.forSubscription(only));
    else for (const id of topic.ids) this.writer.send(template.forSubscription(id));
  }

  /** The handler returned without a reply: the SEND's receipt, if it asked for one. */
  handled(message: InboundMessage): void {
    const request = this.take(message.ref);
    if (request?.kind === 'send' && request.receipt !== undefined) this.receipt(request.receipt);
  }

  close(code: number, reason: string): void {
    if (this.writesClosed) return;
    this.writesClosed = true;
    this.writer.close(code, reason);
  }

  /** Writes a frame built here or by the session (CONNECTED, RECEIPT); one with a byte body goes as a binary message (a text one must be UTF-8). */
  write(data: Buffer, binary = false): void {
    if (!this.writesClosed) this.writer.send({ data, binary });
  }

  heartbeat(): void {
    this.write(HEARTBEAT);
  }

  receipt(receiptId: string): void {
    this.write(encodeFrame('RECEIPT', [['receipt-id', receiptId]], undefined, this.escaping));
  }

  /**
   * Sends `ERROR` (its `message` header the reason, its body the JSON response) and ends the
   * connection: STOMP allows nothing after an ERROR.
   */
  fail(reason: string, response: unknown, extra: StompHeaders = [], code: number = CloseCode.policyViolation): void {
    if (this.writesClosed) return;
    const { body, contentType } = stompBody(response);
    this.write(encodeFrameWithBody('ERROR', [['message', reason], ...extra], body, contentType, this.escaping), contentType === BINARY_CONTENT_TYPE);
    this.end(code, reason);
  }

  private answer(reply: ReplyMessage): void {
    const request = this.take(reply.ref);
    if (reply.status === 'error') {
      const receipt = request !== undefined && request.kind !== 'join' ? request.receipt : undefined;
      this.fail(reasonOf(reply.response), reply.response, receipt === undefined ? [] : [['receipt-id', receipt]]);
      return;
    }
    if (request === undefined) return;
    if (request.kind === 'join') return this.joined(request.topic, reply);
    if (request.receipt === undefined) return;
    if (request.kind === 'send') {
      const id = this.topic(request.topic)?.ids[0];
      if (id !== undefined) this.replyMessage(request.topic, id, 'send', reply.response, [['receipt-id', request.receipt]]);
    }
    this.receipt(request.receipt);
  }

  /** The join answered ok: each subscription that waited for it gets the reply as its first MESSAGE, then its receipt. */
  private joined(topic: StompTopic, reply: ReplyMessage): void {
    const waiting = topic.waiting ?? [];
    topic.waiting = null;
    for (const { id, receipt } of waiting) {
      this.replyMessage(topic.topic, id, 'subscribe', reply.response);
      if (receipt !== undefined) this.receipt(receipt);
    }
  }

  private replyMessage(topic: string, id: string, to: 'subscribe' | 'send', response: unknown, extra: StompHeaders = []): void {
    const { body, contentType } = stompBody(response);
    const headers: StompHeaders = [
      ['destination', TOPIC_PREFIX + topic],
      ['subscription', id],
      ['message-id', nextStompId()],
      ['event', 'phx_reply'],
      ['reply-to', to],
      ['status', 'ok'],
      ...extra,
    ];
    this.write(encodeFrameWithBody('MESSAGE', headers, body, contentType, this.escaping), contentType === BINARY_CONTENT_TYPE);
  }

  /** The server ended the channel (`phx_close`) or it crashed (`phx_error`): its subscriptions get that event last and end. */
  private channelEnded({ message }: StompChannelEnd): void {
    const topic = this.topic(message.topic);
    if (topic === undefined || topic.joinRef !== message.joinRef) return;
    this.drop(topic);
    for (const id of topic.ids) {
      const headers: StompHeaders = [
        ['destination', TOPIC_PREFIX + topic.topic],
        ['subscription', id],
        ['message-id', nextStompId()],
        ['event', message.event],
      ];
      this.write(encodeFrameWithBody('MESSAGE', headers, Buffer.from('{}'), 'application/json', this.escaping));
    }
  }
}

function reasonOf(response: unknown): string {
  const reason = (response as { reason?: unknown } | null)?.reason;
  return typeof reason === 'string' ? reason : 'error';
}
