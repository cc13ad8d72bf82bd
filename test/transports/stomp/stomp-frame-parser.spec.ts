import { StompFrameParser, type StompFrameStream } from '../../../lib/transports/stomp/stomp-frame-parser.js';
import { StompFrameError } from '../../../lib/transports/stomp/stomp-frame-error.js';
import type { StompFrame } from '../../../lib/transports/stomp/stomp-frame.js';

const LIMITS = { maxFrameBytes: 1024, maxHeaders: 8, maxHeaderBytes: 128 };

/** One parser for every stream, as the transport has: nothing of one stream may leak into another. */
const parser = new StompFrameParser(LIMITS);

function streamOf(escaping: 'none' | 'escaped', onFrame: StompFrameStream['onFrame'], onHeartbeat = () => {}): StompFrameStream {
  return { unfinished: undefined, escaping, onFrame, onHeartbeat };
}

function parse(chunks: Array<string | Buffer>, escaping: 'none' | 'escaped' = 'escaped'): { frames: StompFrame[]; heartbeats: number; stream: StompFrameStream } {
  const frames: StompFrame[] = [];
  let heartbeats = 0;
  const stream = streamOf(escaping, (frame) => void frames.push(frame), () => heartbeats++);
  for (const chunk of chunks) parser.push(stream, Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, 'utf8'));
  return { frames, heartbeats, stream };
}

function headersOf(frame: StompFrame): Record<string, string> {
  return Object.fromEntries(frame.headers);
}

function parseError(chunks: Array<string | Buffer>, escaping: 'none' | 'escaped' = 'escaped'): string {
  try {
    parse(chunks, escaping);
  } catch (error) {
    expect(error).toBeInstanceOf(StompFrameError);
    return (error as Error).message;
  }
  throw new Error('expected a StompFrameError');
}

describe('StompFrameParser: the STOMP 1.2 specification examples', () => {
  test('CONNECT with accept-version and host', () => {
    const { frames } = parse(['CONNECT\naccept-version:1.2\nhost:stomp.github.org\n\n\0']);
    expect(frames).toHaveLength(1);
    expect(frames[0]!.command).toBe('CONNECT');
    expect(headersOf(frames[0]!)).toEqual({ 'accept-version': '1.2', host: 'stomp.github.org' });
    expect(frames[0]!.body.length).toBe(0);
  });

  test('SEND with a body, and its size', () => {
    const text = 'SEND\ndestination:/queue/a\ncontent-type:text/plain\n\nhello queue a\0';
    const { frames } = parse([text]);
    expect(frames[0]!.command).toBe('SEND');
    expect(frames[0]!.body.toString()).toBe('hello queue a');
    expect(frames[0]!.size).toBe(Buffer.byteLength(text));
  });

  test('SUBSCRIBE / UNSUBSCRIBE / DISCONNECT with receipt', () => {
    const { frames } = parse([
      'SUBSCRIBE\nid:0\ndestination:/queue/foo\nack:client\n\n\0',
      'UNSUBSCRIBE\nid:0\n\n\0',
      'DISCONNECT\nreceipt:77\n\n\0',
    ]);
    expect(frames.map((frame) => frame.command)).toEqual(['SUBSCRIBE', 'UNSUBSCRIBE', 'DISCONNECT']);
    expect(headersOf(frames[2]!)).toEqual({ receipt: '77' });
  });

  test('the repeated header example: only the first value counts', () => {
    const { frames } = parse(['MESSAGE\nfoo:World\nfoo:Hello\n\n\0'.replace('MESSAGE', 'SEND')]);
    expect(frames[0]!.headers.get('foo')).toBe('World');
  });

  test('CRLF line endings (1.2) and heart-beat EOLs between frames', () => {
    const { frames, heartbeats } = parse(['\n\r\nSEND\r\ndestination:/topic/a\r\n\r\nx\0\n\n']);
    expect(frames[0]!.headers.get('destination')).toBe('/topic/a');
    expect(frames[0]!.body.toString()).toBe('x');
    expect(heartbeats).toBe(4);
  });

  test('escapes in header names and values (\\\\ \\r \\n \\c)', () => {
    const { frames } = parse(['SEND\na\\cb:one\\ntwo\\rthree\\\\four\\cfive\n\n\0']);
    expect(headersOf(frames[0]!)).toEqual({ 'a:b': 'one\ntwo\rthree\\four:five' });
  });

  test('CONNECT headers are never unescaped, nor any header under STOMP 1.0', () => {
    expect(parse(['CONNECT\npasscode:a\\cb\n\n\0']).frames[0]!.headers.get('passcode')).toBe('a\\cb');
    expect(parse(['SEND\nx:a\\cb\n\n\0'], 'none').frames[0]!.headers.get('x')).toBe('a\\cb');
  });

  test('a value may hold a colon unescaped (lenient: the first colon ends the name)', () => {
    expect(parse(['SEND\ndestination:/topic/room:lobby\n\n\0']).frames[0]!.headers.get('destination')).toBe('/topic/room:lobby');
  });

  test('content-length bodies may hold NUL bytes', () => {
    const body = Buffer.from([1, 0, 2, 0, 3]);
    const frame = Buffer.concat([Buffer.from('SEND\ncontent-length:5\n\n'), body, Buffer.from([0])]);
    expect(parse([frame]).frames[0]!.body).toEqual(body);
  });

  test('a frame split over several messages, and several frames in one message', () => {
    const whole = 'SEND\ndestination:/topic/a\ncontent-length:3\n\nabc\0SEND\ndestination:/topic/b\n\nxyz\0';
    for (let cut = 1; cut < whole.length; cut++) {
      const { frames } = parse([whole.slice(0, cut), whole.slice(cut)]);
      expect(frames.map((frame) => frame.body.toString())).toEqual(['abc', 'xyz']);
    }
    const { frames, stream } = parse(['SEND\n', 'destination:/t', 'opic/a\n\nab']);
    expect(frames).toHaveLength(0);
    expect(stream.unfinished?.toString()).toBe('SEND\ndestination:/topic/a\n\nab');
  });

  test('one parser reads many streams: each keeps its own unfinished frame and its own escaping', () => {
    const frames: Array<[string, string | undefined]> = [];
    const a = streamOf('escaped', (frame) => void frames.push(['a', frame.headers.get('x')]));
    const b = streamOf('none', (frame) => void frames.push(['b', frame.headers.get('x')]));
    parser.push(a, Buffer.from('SEND\nx:1\\c'));
    parser.push(b, Buffer.from('SEND\nx:2\\c'));
    parser.push(a, Buffer.from('2\n\n\0'));
    expect(b.unfinished).toBeDefined();
    parser.push(b, Buffer.from('2\n\n\0'));
    expect(frames).toEqual([['a', '1:2'], ['b', '2\\c2']]);
    expect([a.unfinished, b.unfinished]).toEqual([undefined, undefined]);
  });
});

describe('StompFrameParser: malformed frames are errors, never crashes', () => {
  test('unknown or server-only commands', () => {
    expect(parseError(['HELLO\n\n\0'])).toMatch(/unknown command "HELLO"/);
    expect(parseError(['MESSAGE\n\n\0'])).toMatch(/unknown command/);
  });

  test('an undefined escape sequence (STOMP 1.2 calls it fatal)', () => {
    expect(parseError(['SEND\nx:a\\tb\n\n\0'])).toMatch(/undefined escape/);
    expect(parseError(['SEND\nx:a\\\n\n\0'])).toMatch(/undefined escape/);
  });

  test('a header line without a colon or a name', () => {
    expect(parseError(['SEND\nnocolon\n\n\0'])).toMatch(/no name and colon/);
    expect(parseError(['SEND\n:value\n\n\0'])).toMatch(/no name and colon/);
  });

  test('negative, non-numeric or lying content-length', () => {
    expect(parseError(['SEND\ncontent-length:-1\n\n\0'])).toMatch(/not a byte count/);
    expect(parseError(['SEND\ncontent-length:abc\n\n\0'])).toMatch(/not a byte count/);
    // Says 2, carries 3: the byte after the body is not NUL.
    expect(parseError(['SEND\ncontent-length:2\n\nabc\0'])).toMatch(/does not end with NUL/);
    expect(parseError(['SEND\ncontent-length:99999999\n\n'])).toMatch(/larger than 1024/);
  });

  test('a missing NUL is an error as soon as it is certain: past content-length, or past the frame size', () => {
    expect(parseError(['SEND\ncontent-length:1\n\nxy'])).toMatch(/does not end with NUL/);
    expect(parseError(['SEND\n\n', 'x'.repeat(600), 'y'.repeat(600)])).toMatch(/larger than 1024/);
  });

  test('huge headers and too many headers', () => {
    expect(parseError([`SEND\nx:${'a'.repeat(200)}\n\n\0`])).toMatch(/longer than 128/);
    // Refused before the line even ends.
    expect(parseError([`SEND\nx:${'a'.repeat(200)}`])).toMatch(/longer than 128/);
    const many = Array.from({ length: 9 }, (_, index) => `h${index}:v`).join('\n');
    expect(parseError([`SEND\n${many}\n\n\0`])).toMatch(/at most 8 headers/);
  });

  test('a lone carriage return', () => {
    expect(parseError(['\rSEND\n\n\0'])).toMatch(/carriage return/);
  });

  test('reading stops when the frame handler says so', () => {
    const seen: string[] = [];
    const stream = streamOf('escaped', (frame) => {
      seen.push(frame.command);
      return false;
    });
    parser.push(stream, Buffer.from('SEND\n\n\0SEND\n\n\0'));
    expect(seen).toEqual(['SEND']);
  });
});
