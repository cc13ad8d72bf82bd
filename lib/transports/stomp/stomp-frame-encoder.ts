import { escapeHeader, type HeaderEscaping } from './stomp-escaping.js';
import type { StompHeaders } from './stomp-frame.js';

const NUL = Buffer.from([0]);

/** The header lines and blank line of a frame: `COMMAND\nname:value\n...\n\n`. */
export function encodeHead(command: string, headers: StompHeaders, escaping: HeaderEscaping): string {
  let head = `${command}\n`;
  for (const [name, value] of headers) head += `${escapeHeader(name, escaping)}:${escapeHeader(value, escaping)}\n`;
  return `${head}\n`;
}

/** A whole frame. With a body, pass its `content-length` among the headers: bodies may hold NUL bytes. */
export function encodeFrame(command: string, headers: StompHeaders, body: Buffer | undefined, escaping: HeaderEscaping): Buffer {
  const head = Buffer.from(encodeHead(command, headers, escaping), 'utf8');
  return body === undefined || body.length === 0 ? Buffer.concat([head, NUL]) : Buffer.concat([head, body, NUL]);
}

/** A frame with a JSON or byte body, with its `content-type` and `content-length`. */
export function encodeFrameWithBody(
  command: string,
  headers: StompHeaders,
  body: Buffer,
  contentType: string,
  escaping: HeaderEscaping,
): Buffer {
  return encodeFrame(command, [...headers, ['content-type', contentType], ['content-length', String(body.length)]], body, escaping);
}
