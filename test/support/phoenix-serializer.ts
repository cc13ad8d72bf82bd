import * as phoenix from 'phoenix';

/** A message as the phoenix client's serializer sees it (snake_case refs). */
export interface ClientMessage {
  join_ref: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: any;
}

interface ClientSerializer {
  encode(message: ClientMessage, callback: (encoded: string | ArrayBuffer) => void): void;
  decode(raw: string | ArrayBuffer, callback: (decoded: ClientMessage) => void): void;
}

// The phoenix package exports its 2.0.0 serializer at runtime, but @types/phoenix does not declare it.
const clientSerializer = (phoenix as unknown as { Serializer?: ClientSerializer }).Serializer;
if (!clientSerializer) throw new Error('the phoenix package no longer exports Serializer');

/** Encodes exactly as the phoenix 1.8 client does before sending (an ArrayBuffer payload gives a binary frame). */
export function clientEncode(message: ClientMessage): string | ArrayBuffer {
  let encoded: string | ArrayBuffer | undefined;
  clientSerializer!.encode(message, (result) => (encoded = result));
  return encoded!;
}

/** Decodes a server frame exactly as the phoenix 1.8 client does on receipt. */
export function clientDecode(data: string | Buffer): ClientMessage {
  const raw = typeof data === 'string' ? data : toArrayBuffer(data);
  let decoded: ClientMessage | undefined;
  clientSerializer!.decode(raw, (result) => (decoded = result));
  return decoded!;
}

/** A Buffer holding exactly `bytes`, as the server's transport receives it. */
export function toBuffer(bytes: string | ArrayBuffer): Buffer {
  return typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes);
}

/** The bytes of `buffer` alone (a Buffer may be a view into a larger shared pool). */
export function toArrayBuffer(buffer: Uint8Array): ArrayBuffer {
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
}

/** An ArrayBuffer with the given bytes. */
export function bytes(...values: number[]): ArrayBuffer {
  return new Uint8Array(values).buffer;
}
