import { protocolError } from '../errors/protocol.error.js';
import type { InboundMessage } from '../protocol/messages.js';
import { toInboundMessage } from '../protocol/validate-message.js';
import { ChannelsTypeError } from '../errors/channels-type.error.js';

/** Kinds of the 2.0.0 binary frame header (first byte). */
export const BinaryKind = { push: 0, reply: 1, broadcast: 2 } as const;

// Every header string is prefixed by a one-byte length, so each is at most 255 bytes.
const MAX_FIELD_BYTES = 255;

function field(name: string, value: string | null): Buffer {
  const bytes = Buffer.from(value ?? '', 'utf8');
  if (bytes.length > MAX_FIELD_BYTES) {
    throw new ChannelsTypeError(
      'CHANNELS_ERR_FRAME_FIELD_TOO_LONG',
      `${name} is ${bytes.length} bytes; binary frames allow at most ${MAX_FIELD_BYTES}: shorten it, or send the payload as JSON`,
    );
  }
  return bytes;
}

/** Builds `kind, len..., field..., payload` as the phoenix client's binary decoder expects. */
export function encodeBinaryFrame(kind: number, fields: Array<[string, string | null]>, payload: Buffer): Buffer {
  const encoded = fields.map(([name, value]) => field(name, value));
  const header = Buffer.allocUnsafe(1 + encoded.length);
  header[0] = kind;
  encoded.forEach((bytes, index) => (header[index + 1] = bytes.length));
  return Buffer.concat([header, ...encoded, payload]);
}

/** Decodes a client push: `0, jrLen, refLen, topicLen, eventLen, jr, ref, topic, event, payload`. */
export function decodeBinaryPush(data: Buffer): InboundMessage {
  if (data.length < 5) throw protocolError('binary frame shorter than its header');
  if (data[0] !== BinaryKind.push) throw protocolError(`binary frame kind ${data[0]} cannot come from a client`);
  const lengths = [data[1], data[2], data[3], data[4]];
  const headerEnd = 5 + lengths.reduce((sum, length) => sum + length, 0);
  if (headerEnd > data.length) throw protocolError('binary frame lengths exceed the frame');
  const strings: string[] = [];
  let offset = 5;
  for (const length of lengths) {
    strings.push(data.toString('utf8', offset, offset + length));
    offset += length;
  }
  const [joinRef, ref, topic, event] = strings;
  // subarray shares memory with the frame; copy so a handler may keep the payload.
  return toInboundMessage(joinRef || null, ref || null, topic, event, Buffer.from(data.subarray(headerEnd)));
}
