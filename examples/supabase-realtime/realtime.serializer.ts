import { ProtocolError, V2JsonSerializer, type Frame, type InboundMessage, type OutboundMessage, type ReplyMessage } from 'nestjs-channels';

/** The binary kinds Supabase's realtime-js adds to Phoenix's 2.0.0 serializer. */
const USER_BROADCAST_PUSH = 3; // client -> server
const USER_BROADCAST = 4; // server -> client
const BINARY_ENCODING = 0;
const JSON_ENCODING = 1;

/**
 * Serializer 2.0.0 as `@supabase/realtime-js` speaks it on its defaults: JSON text frames as in
 * Phoenix, plus its "user broadcast" binary frames. A client's `channel.send({ type: 'broadcast',
 * event, payload })` arrives as kind 3 and is decoded into an ordinary `broadcast` message; a
 * broadcast or push with a binary payload leaves as kind 4, the only binary frame the client reads.
 */
export class RealtimeSerializer extends V2JsonSerializer {
  override decode(data: Buffer, isBinary: boolean): InboundMessage {
    if (isBinary && data[0] === USER_BROADCAST_PUSH) return decodeUserBroadcastPush(data);
    return super.decode(data, isBinary);
  }

  override encodeReply(reply: ReplyMessage): Frame {
    // realtime-js reads no binary reply (kind 1): refuse it here rather than break the client.
    if (reply.response instanceof Uint8Array || reply.response instanceof ArrayBuffer) {
      throw new TypeError('realtime-js cannot read a binary reply; reply with JSON');
    }
    return super.encodeReply(reply);
  }

  override encodeMessage(message: OutboundMessage): Frame {
    const { topic, event, payload } = message;
    if (!(payload instanceof Uint8Array || payload instanceof ArrayBuffer)) return super.encodeMessage(message);
    // Kind 4: kind, topic length, event length, metadata length, encoding, the strings, the bytes.
    const strings = [Buffer.from(topic), Buffer.from(event)];
    if (strings.some((bytes) => bytes.length > 255)) throw new RangeError(`"${event}" on "${topic}": kind 4 allows 255 bytes per name`);
    const header = Buffer.from([USER_BROADCAST, strings[0].length, strings[1].length, 0, BINARY_ENCODING]);
    return { data: Buffer.concat([header, ...strings, Buffer.from(payload as Uint8Array)]), binary: true };
  }
}

/**
 * Kind 3: kind, then the lengths of join_ref, ref, topic, event and metadata, the payload
 * encoding, the five strings, and the payload (JSON text or raw bytes).
 */
function decodeUserBroadcastPush(data: Buffer): InboundMessage {
  if (data.length < 7) throw new ProtocolError('a user broadcast frame is shorter than its header');
  const lengths = [data[1], data[2], data[3], data[4], data[5]];
  const [joinRef, ref, topic, event, metadata] = lengths.map((length, index) => {
    const start = 7 + lengths.slice(0, index).reduce((sum, each) => sum + each, 0);
    return data.toString('utf8', start, start + length);
  });
  const payloadStart = 7 + lengths.reduce((sum, each) => sum + each, 0);
  const readable = { joinRef: joinRef || null, ref: ref || null, topic: topic || null };
  if (payloadStart > data.length) throw new ProtocolError('user broadcast lengths exceed the frame', readable);
  const bytes = Buffer.from(data.subarray(payloadStart));
  let body: unknown = bytes;
  if (data[6] === JSON_ENCODING) body = parseJson(bytes, readable);
  else if (data[6] !== BINARY_ENCODING) throw new ProtocolError(`unknown payload encoding ${data[6]}`, readable);
  const broadcast: Record<string, unknown> = { type: 'broadcast', event, payload: body };
  if (metadata) broadcast.meta = parseJson(Buffer.from(metadata), readable);
  if (!topic || !event) throw new ProtocolError('a user broadcast needs a topic and an event', readable);
  return { joinRef: readable.joinRef, ref: readable.ref, topic, event: 'broadcast', payload: broadcast };
}

function parseJson(bytes: Buffer, readable: { ref: string | null; joinRef: string | null; topic: string | null }): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ProtocolError('a user broadcast payload is not valid JSON', readable);
  }
}
