import type { DecodedInboundConnection } from '../../interfaces/transport.interface.js';
import { CloseCode } from '../../protocol/close-codes.js';
import { PhxEvent } from '../../protocol/events.js';
import { nestsDeeperThan } from '../../protocol/payload-depth.js';
import { NOT_JSON, parseFrame } from '../../serializers/parse-frame.js';
import type { StompConnection } from './stomp-connection.js';
import type { StompFrame, StompHeaders } from './stomp-frame.js';
import { JSON_CONTENT_TYPE, TOPIC_PREFIX } from './stomp-serializer.js';
import type { EndableSession } from './stomp-connection.js';
import type { StompSubscriptions } from './stomp-subscriptions.js';

/** SUBSCRIBE headers of the protocol itself; the others are the join params. */
const SUBSCRIBE_HEADERS = new Set(['destination', 'id', 'ack', 'receipt', 'content-type', 'content-length']);

/** What the commands need of the session's settings. */
export interface StompCommandLimits {
  readonly maxPayloadDepth: number;
  readonly maxSubscriptions: number;
}

/**
 * The STOMP commands of a connected client, mapped onto the channel protocol: SUBSCRIBE joins,
 * SEND pushes an event, UNSUBSCRIBE leaves, DISCONNECT ends the connection. Each becomes a
 * channel message with a ref of its own; the StompConnection answers it from its reply.
 */
export class StompCommands {
  constructor(
    private readonly stomp: StompConnection,
    private readonly subscriptions: StompSubscriptions,
    private readonly connection: DecodedInboundConnection,
    private readonly limits: StompCommandLimits,
    /** Ends the connection without an ERROR (DISCONNECT). */
    private readonly session: EndableSession,
  ) {}

  run(frame: StompFrame): void {
    switch (frame.command) {
      case 'SEND':
        return this.send(frame);
      case 'SUBSCRIBE':
        return this.subscribe(frame);
      case 'UNSUBSCRIBE':
        return this.unsubscribe(frame);
      case 'DISCONNECT':
        return this.disconnect(frame);
      case 'ACK':
      case 'NACK':
        return this.fail(frame, `${frame.command} is not supported: subscriptions are ack:auto only`);
      case 'BEGIN':
      case 'COMMIT':
      case 'ABORT':
        return this.fail(frame, 'transactions are not supported');
      default:
        return this.fail(frame, `unexpected ${frame.command}`);
    }
  }

  private send(frame: StompFrame): void {
    const topic = this.topicOf(frame);
    if (topic === null) return;
    if (frame.headers.has('transaction')) return this.fail(frame, 'transactions are not supported');
    const event = frame.headers.get('event');
    if (event === undefined || event === '') return this.fail(frame, 'SEND needs an "event" header: the @HandleIn event it runs');
    const payload = this.payloadOf(frame);
    if (payload === NOT_JSON) return;
    const ref = this.subscriptions.nextRef();
    const receipt = frame.headers.get('receipt');
    this.subscriptions.expect(ref, { kind: 'send', topic, receipt });
    const joinRef = this.subscriptions.topic(topic)?.joinRef ?? null;
    this.connection.handleMessage({ joinRef, ref, topic, event, payload }, frame.size);
  }

  private subscribe(frame: StompFrame): void {
    const id = frame.headers.get('id');
    if (id === undefined) return this.fail(frame, 'SUBSCRIBE needs an "id" header');
    const name = this.topicOf(frame);
    if (name === null) return;
    const ack = frame.headers.get('ack') ?? 'auto';
    if (ack !== 'auto') return this.fail(frame, `ack:${ack} is not supported: subscriptions are ack:auto only`);
    if (this.subscriptions.has(id)) return this.fail(frame, `subscription id "${id}" is in use`);
    if (this.subscriptions.size >= this.limits.maxSubscriptions) return this.fail(frame, 'too many channels joined');
    const receipt = frame.headers.get('receipt');
    const { topic, isNew } = this.subscriptions.subscribe(id, name, () => this.subscriptions.nextRef());
    if (topic.waiting !== null) topic.waiting.push({ id, receipt });
    else if (receipt !== undefined) this.stomp.receipt(receipt);
    if (!isNew) return;
    const params: Record<string, string> = {};
    for (const [header, value] of frame.headers) if (!SUBSCRIBE_HEADERS.has(header)) params[header] = value;
    this.subscriptions.expect(topic.joinRef, { kind: 'join', topic });
    this.connection.handleMessage({ joinRef: topic.joinRef, ref: topic.joinRef, topic: name, event: PhxEvent.join, payload: params }, frame.size);
  }

  private unsubscribe(frame: StompFrame): void {
    const id = frame.headers.get('id');
    if (id === undefined) return this.fail(frame, 'UNSUBSCRIBE needs an "id" header');
    const removed = this.subscriptions.unsubscribe(id);
    if (removed === undefined) return this.fail(frame, `no subscription "${id}"`);
    const receipt = frame.headers.get('receipt');
    if (!removed.last) {
      if (receipt !== undefined) this.stomp.receipt(receipt);
      return;
    }
    const ref = this.subscriptions.nextRef();
    this.subscriptions.expect(ref, { kind: 'leave', receipt });
    const { topic, joinRef } = removed.topic;
    this.connection.handleMessage({ joinRef, ref, topic, event: PhxEvent.leave, payload: {} }, frame.size);
  }

  /** Receipt first, then every channel ends as when a phoenix client's socket closes (`@Terminate` reason `closed`). */
  private disconnect(frame: StompFrame): void {
    const receipt = frame.headers.get('receipt');
    if (receipt !== undefined) this.stomp.receipt(receipt);
    this.session.end(CloseCode.normal, 'disconnect');
  }

  /** The topic of a `destination:/topic/<topic>` header; null (and ERROR) for anything else. */
  private topicOf(frame: StompFrame): string | null {
    const destination = frame.headers.get('destination');
    if (destination === undefined) {
      this.fail(frame, `${frame.command} needs a "destination" header`);
      return null;
    }
    if (!destination.startsWith(TOPIC_PREFIX) || destination.length === TOPIC_PREFIX.length) {
      this.fail(frame, `destination "${destination.slice(0, 64)}" is not /topic/<topic>`);
      return null;
    }
    return destination.slice(TOPIC_PREFIX.length);
  }

  /** JSON for `application/json` or no content type (an empty body is `{}`), the bytes for any other; NOT_JSON after an ERROR. */
  private payloadOf(frame: StompFrame): unknown {
    const contentType = frame.headers.get('content-type');
    if (contentType !== undefined && !contentType.toLowerCase().startsWith(JSON_CONTENT_TYPE)) return frame.body;
    if (frame.body.length === 0) return {};
    const payload = parseFrame(frame.body);
    if (payload === NOT_JSON) {
      this.fail(frame, 'malformed frame', { reason: 'malformed frame', detail: 'the body is not valid JSON' }, CloseCode.malformed);
      return NOT_JSON;
    }
    if (nestsDeeperThan(payload, this.limits.maxPayloadDepth)) {
      const detail = `the payload nests deeper than ${this.limits.maxPayloadDepth} levels`;
      this.fail(frame, 'malformed frame', { reason: 'malformed frame', detail }, CloseCode.malformed);
      return NOT_JSON;
    }
    return payload;
  }

  private fail(frame: StompFrame, reason: string, response: unknown = { reason }, code: number = CloseCode.policyViolation): void {
    const receipt = frame.headers.get('receipt');
    const extra: StompHeaders = receipt === undefined ? [] : [['receipt-id', receipt]];
    this.stomp.fail(reason, response, extra, code);
  }
}
