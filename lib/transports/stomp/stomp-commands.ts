import { CloseCode } from '../../protocol/close-codes.js';
import { PhxEvent } from '../../protocol/events.js';
import { nestsDeeperThan } from '../../protocol/payload-depth.js';
import { NOT_JSON, parseFrame } from '../../serializers/parse-frame.js';
import type { StompConnection } from './stomp-connection.js';
import type { StompFrame, StompHeaders } from './stomp-frame.js';
import { JSON_CONTENT_TYPE, TOPIC_PREFIX } from './stomp-serializer.js';

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
 * Functions of the connection rather than an object per connection: they keep no state.
 */
export function runStompCommand(stomp: StompConnection, frame: StompFrame, limits: StompCommandLimits): void {
  switch (frame.command) {
    case 'SEND':
      return send(stomp, frame, limits);
    case 'SUBSCRIBE':
      return subscribe(stomp, frame, limits);
    case 'UNSUBSCRIBE':
      return unsubscribe(stomp, frame);
    case 'DISCONNECT':
      return disconnect(stomp, frame);
    case 'ACK':
    case 'NACK':
      return fail(stomp, frame, `${frame.command} is not supported: subscriptions are ack:auto only`);
    case 'BEGIN':
    case 'COMMIT':
    case 'ABORT':
      return fail(stomp, frame, 'transactions are not supported');
    default:
      return fail(stomp, frame, `unexpected ${frame.command}`);
  }
}

function send(stomp: StompConnection, frame: StompFrame, limits: StompCommandLimits): void {
  const topic = topicOf(stomp, frame);
  if (topic === null) return;
  if (frame.headers.has('transaction')) return fail(stomp, frame, 'transactions are not supported');
  const event = frame.headers.get('event');
  if (event === undefined || event === '') return fail(stomp, frame, 'SEND needs an "event" header: the @HandleIn event it runs');
  const payload = payloadOf(stomp, frame, limits);
  if (payload === NOT_JSON) return;
  const ref = stomp.nextRef();
  const receipt = frame.headers.get('receipt');
  stomp.expect(ref, { kind: 'send', topic, receipt });
  const joinRef = stomp.topic(topic)?.joinRef ?? null;
  stomp.inbound!.handleMessage({ joinRef, ref, topic, event, payload }, frame.size);
}

function subscribe(stomp: StompConnection, frame: StompFrame, limits: StompCommandLimits): void {
  const id = frame.headers.get('id');
  if (id === undefined) return fail(stomp, frame, 'SUBSCRIBE needs an "id" header');
  const name = topicOf(stomp, frame);
  if (name === null) return;
  const ack = frame.headers.get('ack') ?? 'auto';
  if (ack !== 'auto') return fail(stomp, frame, `ack:${ack} is not supported: subscriptions are ack:auto only`);
  if (stomp.has(id)) return fail(stomp, frame, `subscription id "${id}" is in use`);
  if (stomp.size >= limits.maxSubscriptions) return fail(stomp, frame, 'too many channels joined');
  const receipt = frame.headers.get('receipt');
  const { topic, isNew } = stomp.subscribe(id, name, () => stomp.nextRef());
  if (topic.waiting !== null) topic.waiting.push({ id, receipt });
  else if (receipt !== undefined) stomp.receipt(receipt);
  if (!isNew) return;
  const params: Record<string, string> = {};
  for (const [header, value] of frame.headers) if (!SUBSCRIBE_HEADERS.has(header)) params[header] = value;
  stomp.expect(topic.joinRef, { kind: 'join', topic });
  stomp.inbound!.handleMessage({ joinRef: topic.joinRef, ref: topic.joinRef, topic: name, event: PhxEvent.join, payload: params }, frame.size);
}

function unsubscribe(stomp: StompConnection, frame: StompFrame): void {
  const id = frame.headers.get('id');
  if (id === undefined) return fail(stomp, frame, 'UNSUBSCRIBE needs an "id" header');
  const removed = stomp.unsubscribe(id);
  if (removed === undefined) return fail(stomp, frame, `no subscription "${id}"`);
  const receipt = frame.headers.get('receipt');
  if (!removed.last) {
    if (receipt !== undefined) stomp.receipt(receipt);
    return;
  }
  const ref = stomp.nextRef();
  stomp.expect(ref, { kind: 'leave', receipt });
  const { topic, joinRef } = removed.topic;
  stomp.inbound!.handleMessage({ joinRef, ref, topic, event: PhxEvent.leave, payload: {} }, frame.size);
}

/** Receipt first, then every channel ends as when a phoenix client's socket closes (`@Terminate` reason `closed`). */
function disconnect(stomp: StompConnection, frame: StompFrame): void {
  const receipt = frame.headers.get('receipt');
  if (receipt !== undefined) stomp.receipt(receipt);
  stomp.end(CloseCode.normal, 'disconnect');
}

/** The topic of a `destination:/topic/<topic>` header; null (and ERROR) for anything else. */
function topicOf(stomp: StompConnection, frame: StompFrame): string | null {
  const destination = frame.headers.get('destination');
  if (destination === undefined) {
    fail(stomp, frame, `${frame.command} needs a "destination" header`);
    return null;
  }
  if (!destination.startsWith(TOPIC_PREFIX) || destination.length === TOPIC_PREFIX.length) {
    fail(stomp, frame, `destination "${destination.slice(0, 64)}" is not /topic/<topic>`);
    return null;
  }
  return destination.slice(TOPIC_PREFIX.length);
}

/** JSON for `application/json` or no content type (an empty body is `{}`), the bytes for any other; NOT_JSON after an ERROR. */
function payloadOf(stomp: StompConnection, frame: StompFrame, limits: StompCommandLimits): unknown {
  const contentType = frame.headers.get('content-type');
  if (contentType !== undefined && !contentType.toLowerCase().startsWith(JSON_CONTENT_TYPE)) return frame.body;
  if (frame.body.length === 0) return {};
  const payload = parseFrame(frame.body);
  if (payload === NOT_JSON) {
    fail(stomp, frame, 'malformed frame', { reason: 'malformed frame', detail: 'the body is not valid JSON' }, CloseCode.malformed);
    return NOT_JSON;
  }
  if (nestsDeeperThan(payload, limits.maxPayloadDepth)) {
    const detail = `the payload nests deeper than ${limits.maxPayloadDepth} levels`;
    fail(stomp, frame, 'malformed frame', { reason: 'malformed frame', detail }, CloseCode.malformed);
    return NOT_JSON;
  }
  return payload;
}

function fail(stomp: StompConnection, frame: StompFrame, reason: string, response: unknown = { reason }, code: number = CloseCode.policyViolation): void {
  const receipt = frame.headers.get('receipt');
  const extra: StompHeaders = receipt === undefined ? [] : [['receipt-id', receipt]];
  stomp.fail(reason, response, extra, code);
}
