import { unescapeHeader, type HeaderEscaping } from './stomp-escaping.js';
import { CLIENT_COMMANDS, type StompFrame } from './stomp-frame.js';
import { stompFrameError } from './stomp-frame-error.js';

/** How large a client's frames may be. */
export interface StompFrameLimits {
  /** Largest frame, command to NUL. */
  maxFrameBytes: number;
  /** Most header lines in one frame. */
  maxHeaders: number;
  /** Longest header line, name and value (escaped, before unescaping). */
  maxHeaderBytes: number;
}

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const CONTENT_LENGTH = /^\d{1,15}$/;

type Head = { command: string; headers: Map<string, string>; bodyStart: number };

/**
 * One client's byte stream as the parser reads it: the only state it keeps between messages is
 * the start of an unfinished frame (usually none), so a parser serves every connection of a node.
 */
export interface StompFrameStream {
  /** The start of a frame not complete yet, kept until the rest arrives. */
  unfinished: Buffer | undefined;
  /** Header escaping of frames after CONNECT (CONNECT and STOMP frames are never escaped). */
  readonly escaping: HeaderEscaping;
  /** A complete frame; returning false stops reading (the session closed). */
  onFrame(frame: StompFrame): boolean | void;
  /** An EOL between frames: a client heart-beat. */
  onHeartbeat(): void;
}

/**
 * Reads STOMP 1.0–1.2 frames from a byte stream: a frame may span several WebSocket messages and
 * a message may hold several frames, with heart-beat EOLs between them. Written by hand: there is
 * no well-kept server-side STOMP parser for Node, and this one has to enforce the limits itself.
 * Throws a {@link StompFrameError} for anything malformed; the stream is unusable after one.
 * Holds nothing per stream (see {@link StompFrameStream}): one parser serves a node's sessions.
 */
export class StompFrameParser {
  constructor(private readonly limits: StompFrameLimits) {}

  /** Reads `chunk` of `stream`, calling its `onFrame` for each complete frame and `onHeartbeat` for each EOL between frames. */
  push(stream: StompFrameStream, chunk: Buffer): void {
    const unfinished = stream.unfinished;
    const data = unfinished === undefined ? chunk : Buffer.concat([unfinished, chunk]);
    stream.unfinished = undefined;
    let position = 0;
    while (position < data.length) {
      if (data[position] === LF) {
        position++;
        stream.onHeartbeat();
        continue;
      }
      if (data[position] === CR) {
        if (position + 1 === data.length) break;
        if (data[position + 1] !== LF) throw stompFrameError('a carriage return must be followed by a line feed');
        position += 2;
        stream.onHeartbeat();
        continue;
      }
      const end = this.readFrame(stream, data, position);
      if (end === null) break;
      if (end === -1) return;
      position = end;
    }
    // A copy: the rest of a WebSocket message would otherwise stay in memory with it.
    if (position < data.length) stream.unfinished = Buffer.from(data.subarray(position));
  }

  /** Reads the frame at `start`: the position after it, null when incomplete, -1 when reading stopped. */
  private readFrame(stream: StompFrameStream, data: Buffer, start: number): number | null {
    const head = this.readHead(data, start, stream.escaping);
    if (head === null) {
      this.checkUnfinished(data.length - start);
      return null;
    }
    const { command, headers, bodyStart } = head;
    let bodyEnd: number;
    const declared = headers.get('content-length');
    if (declared !== undefined) {
      if (!CONTENT_LENGTH.test(declared.trim())) throw stompFrameError(`content-length "${declared}" is not a byte count`);
      const length = Number(declared.trim());
      if (bodyStart - start + length + 1 > this.limits.maxFrameBytes) throw this.tooLarge();
      bodyEnd = bodyStart + length;
      if (bodyEnd >= data.length) return null;
      if (data[bodyEnd] !== NUL) throw stompFrameError('the frame does not end with NUL where its content-length says');
    } else {
      bodyEnd = data.indexOf(NUL, bodyStart);
      if (bodyEnd === -1) {
        this.checkUnfinished(data.length - start);
        return null;
      }
    }
    if (bodyEnd + 1 - start > this.limits.maxFrameBytes) throw this.tooLarge();
    // A copy, so that a handler may keep the body without the rest of the message.
    const body = Buffer.from(data.subarray(bodyStart, bodyEnd));
    return stream.onFrame({ command, headers, body, size: bodyEnd + 1 - start }) === false ? -1 : bodyEnd + 1;
  }

  /** The command and headers of the frame at `start`, or null when its blank line has not arrived. */
  private readHead(data: Buffer, start: number, escaping: HeaderEscaping): Head | null {
    const { maxHeaders, maxHeaderBytes } = this.limits;
    let lineStart = start;
    let command: string | undefined;
    const headers = new Map<string, string>();
    let count = 0;
    for (;;) {
      const lineEnd = data.indexOf(LF, lineStart);
      if (lineEnd === -1) {
        if (data.length - lineStart > maxHeaderBytes) throw stompFrameError(`a header line is longer than ${maxHeaderBytes} bytes`);
        return null;
      }
      const contentEnd = lineEnd > lineStart && data[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
      if (contentEnd - lineStart > maxHeaderBytes) throw stompFrameError(`a header line is longer than ${maxHeaderBytes} bytes`);
      const line = data.toString('utf8', lineStart, contentEnd);
      lineStart = lineEnd + 1;
      if (command === undefined) {
        if (!CLIENT_COMMANDS.has(line)) throw stompFrameError(`unknown command "${line.slice(0, 32)}"`);
        command = line;
        continue;
      }
      if (line === '') return { command, headers, bodyStart: lineStart };
      if (++count > maxHeaders) throw stompFrameError(`a frame may have at most ${maxHeaders} headers`);
      this.addHeader(headers, line, command === 'CONNECT' || command === 'STOMP' ? 'none' : escaping);
    }
  }

  /** `escaping` is 'none' for CONNECT and STOMP frames, which are never escaped (STOMP 1.2, "Value Encoding"). */
  private addHeader(headers: Map<string, string>, line: string, escaping: HeaderEscaping): void {
    const colon = line.indexOf(':');
    if (colon <= 0) throw stompFrameError(`header line "${line.slice(0, 32)}" has no name and colon`);
    const name = unescapeHeader(line.slice(0, colon), escaping);
    const value = unescapeHeader(line.slice(colon + 1), escaping);
    if (name === null || value === null) throw stompFrameError(`header "${line.slice(0, 32)}" has an undefined escape sequence`);
    // STOMP 1.2: of repeated headers, only the first counts.
    if (!headers.has(name)) headers.set(name, value);
  }

  private checkUnfinished(bytes: number): void {
    if (bytes > this.limits.maxFrameBytes) throw this.tooLarge();
  }

  private tooLarge(): Error {
    return stompFrameError(`frame larger than ${this.limits.maxFrameBytes} bytes`);
  }
}
