import { ProtocolError } from '../../lib/errors/protocol.error.js';
import { V2JsonSerializer } from '../../lib/serializers/v2-json.serializer.js';
import { thrownBy } from '../support/thrown.js';
import { bytes, clientDecode, clientEncode, toBuffer } from '../support/phoenix-serializer.js';

const serializer = new V2JsonSerializer();

function decodeText(text: string) {
  return serializer.decode(Buffer.from(text, 'utf8'), false);
}

describe('V2JsonSerializer.decode: text frames', () => {
  test('decodes a join exactly as the phoenix client encodes it', () => {
    const frame = clientEncode({ join_ref: '1', ref: '1', topic: 'room:lobby', event: 'phx_join', payload: { nick: 'ann' } });
    expect(serializer.decode(toBuffer(frame), false)).toEqual({
      joinRef: '1',
      ref: '1',
      topic: 'room:lobby',
      event: 'phx_join',
      payload: { nick: 'ann' },
    });
  });

  test('decodes a heartbeat, whose join_ref is null', () => {
    const frame = clientEncode({ join_ref: null, ref: '7', topic: 'phoenix', event: 'heartbeat', payload: {} });
    expect(serializer.decode(toBuffer(frame), false)).toEqual({
      joinRef: null,
      ref: '7',
      topic: 'phoenix',
      event: 'heartbeat',
      payload: {},
    });
  });

  test('keeps any JSON payload as it is and turns a null payload into null', () => {
    expect(decodeText('["1","2","t","e",[1,"two",{"3":true}]]').payload).toEqual([1, 'two', { 3: true }]);
    expect(decodeText('["1","2","t","e","text"]').payload).toBe('text');
    expect(decodeText('["1","2","t","e",null]').payload).toBeNull();
  });

  test('decodes multi-byte UTF-8 topics and events', () => {
    const message = decodeText(JSON.stringify(['1', '2', 'salle:café✓', 'événement', { emoji: '🎉' }]));
    expect(message).toMatchObject({ topic: 'salle:café✓', event: 'événement', payload: { emoji: '🎉' } });
  });
});

describe('V2JsonSerializer.decode: binary frames (kind 0 push)', () => {
  test('decodes a binary push built by the phoenix client, payload bytes intact', () => {
    const frame = clientEncode({ join_ref: '3', ref: '4', topic: 'room:1', event: 'upload', payload: bytes(0, 1, 2, 254, 255) });
    expect(frame).toBeInstanceOf(ArrayBuffer);
    const message = serializer.decode(toBuffer(frame), true);
    expect(message).toMatchObject({ joinRef: '3', ref: '4', topic: 'room:1', event: 'upload' });
    expect(Buffer.isBuffer(message.payload)).toBe(true);
    expect([...(message.payload as Buffer)]).toEqual([0, 1, 2, 254, 255]);
  });

  test('matches the documented layout byte for byte', () => {
    const frame = toBuffer(clientEncode({ join_ref: '12', ref: '345', topic: 'ab', event: 'e', payload: bytes(9, 8) }));
    expect([...frame]).toEqual([0, 2, 3, 2, 1, ...Buffer.from('12345abe'), 9, 8]);
    expect(serializer.decode(frame, true)).toEqual({ joinRef: '12', ref: '345', topic: 'ab', event: 'e', payload: Buffer.from([9, 8]) });
  });

  test('decodes UTF-8 header fields and an empty payload', () => {
    const frame = clientEncode({ join_ref: '1', ref: '2', topic: 'salle:café', event: 'ça', payload: new ArrayBuffer(0) });
    const message = serializer.decode(toBuffer(frame), true);
    expect(message).toMatchObject({ topic: 'salle:café', event: 'ça' });
    expect((message.payload as Buffer).length).toBe(0);
  });

  test('accepts 255-byte header fields, the most one length byte can describe', () => {
    const topic = 't'.repeat(255);
    const event = 'é'.repeat(127) + 'e'; // 255 bytes of UTF-8
    const frame = clientEncode({ join_ref: '1', ref: '2', topic, event, payload: bytes(1) });
    expect(serializer.decode(toBuffer(frame), true)).toMatchObject({ topic, event });
  });

  test('gives the handler its own copy of the payload, not a view of the frame', () => {
    const frame = toBuffer(clientEncode({ join_ref: '1', ref: '2', topic: 't', event: 'e', payload: bytes(7, 7) }));
    const message = serializer.decode(frame, true);
    frame.fill(0);
    expect([...(message.payload as Buffer)]).toEqual([7, 7]);
  });

  test('turns empty refs into null', () => {
    const frame = Buffer.from([0, 0, 0, 1, 1, ...Buffer.from('te'), 5]);
    expect(serializer.decode(frame, true)).toMatchObject({ joinRef: null, ref: null, topic: 't', event: 'e' });
  });
});

describe('V2JsonSerializer.encodeReply', () => {
  test('encodes a JSON reply the client reads as phx_reply {status, response}', () => {
    const frame = serializer.encodeReply({ joinRef: '1', ref: '2', topic: 'room:lobby', status: 'ok', response: { a: 1 } });
    expect(frame).toEqual({
      data: '["1","2","room:lobby","phx_reply",{"status":"ok","response":{"a":1}}]',
      binary: false,
    });
    expect(clientDecode(frame.data)).toEqual({
      join_ref: '1',
      ref: '2',
      topic: 'room:lobby',
      event: 'phx_reply',
      payload: { status: 'ok', response: { a: 1 } },
    });
  });

  test('answers a heartbeat with a null join_ref', () => {
    const frame = serializer.encodeReply({ joinRef: null, ref: '9', topic: 'phoenix', status: 'ok', response: {} });
    expect(frame.data).toBe('[null,"9","phoenix","phx_reply",{"status":"ok","response":{}}]');
  });

  test('encodes an error reply', () => {
    const frame = serializer.encodeReply({ joinRef: '1', ref: '1', topic: 'room:1', status: 'error', response: { reason: 'unmatched topic' } });
    expect(clientDecode(frame.data).payload).toEqual({ status: 'error', response: { reason: 'unmatched topic' } });
  });

  test('encodes a binary reply as kind 1 with the status in place of the event', () => {
    const frame = serializer.encodeReply({ joinRef: '1', ref: '22', topic: 'rm', status: 'ok', response: Buffer.from([5, 6]) });
    expect(frame.binary).toBe(true);
    expect([...(frame.data as Buffer)]).toEqual([1, 1, 2, 2, 2, ...Buffer.from('122rmok'), 5, 6]);
    const decoded = clientDecode(frame.data);
    expect(decoded).toMatchObject({ join_ref: '1', ref: '22', topic: 'rm', event: 'phx_reply' });
    expect(decoded.payload.status).toBe('ok');
    expect(decoded.payload.response).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(decoded.payload.response)]).toEqual([5, 6]);
  });

  test('encodes a binary error reply', () => {
    const frame = serializer.encodeReply({ joinRef: '1', ref: '2', topic: 'rm', status: 'error', response: new Uint8Array([1]) });
    expect(clientDecode(frame.data).payload.status).toBe('error');
  });
});

describe('V2JsonSerializer.encodeMessage', () => {
  test('encodes a JSON push with a null ref', () => {
    const frame = serializer.encodeMessage({ joinRef: '1', ref: null, topic: 'room:1', event: 'new_msg', payload: { body: 'hi' } });
    expect(frame).toEqual({ data: '["1",null,"room:1","new_msg",{"body":"hi"}]', binary: false });
    expect(clientDecode(frame.data)).toEqual({ join_ref: '1', ref: null, topic: 'room:1', event: 'new_msg', payload: { body: 'hi' } });
  });

  test('encodes a JSON broadcast with null refs', () => {
    const frame = serializer.encodeMessage({ joinRef: null, ref: null, topic: 'room:1', event: 'shout', payload: { n: 1 } });
    expect(frame.data).toBe('[null,null,"room:1","shout",{"n":1}]');
  });

  test('encodes a binary push as kind 0 without a ref field', () => {
    const frame = serializer.encodeMessage({ joinRef: '13', ref: null, topic: 'rm', event: 'ev', payload: Buffer.from([0, 255]) });
    expect(frame.binary).toBe(true);
    expect([...(frame.data as Buffer)]).toEqual([0, 2, 2, 2, ...Buffer.from('13rmev'), 0, 255]);
    const decoded = clientDecode(frame.data);
    expect(decoded).toMatchObject({ join_ref: '13', ref: null, topic: 'rm', event: 'ev' });
    expect([...new Uint8Array(decoded.payload)]).toEqual([0, 255]);
  });

  test('encodes a binary broadcast as kind 2', () => {
    const frame = serializer.encodeMessage({ joinRef: null, ref: null, topic: 'rm', event: 'ev', payload: bytes(4, 2) });
    expect([...(frame.data as Buffer)]).toEqual([2, 2, 2, ...Buffer.from('rmev'), 4, 2]);
    const decoded = clientDecode(frame.data);
    expect(decoded).toMatchObject({ join_ref: null, ref: null, topic: 'rm', event: 'ev' });
    expect([...new Uint8Array(decoded.payload)]).toEqual([4, 2]);
  });

  test('sends only the bytes of a Uint8Array view, not its whole backing buffer', () => {
    const backing = new Uint8Array([1, 2, 3, 4, 5]);
    const frame = serializer.encodeMessage({ joinRef: null, ref: null, topic: 't', event: 'e', payload: backing.subarray(1, 3) });
    expect([...new Uint8Array(clientDecode(frame.data).payload)]).toEqual([2, 3]);
  });

  test('round-trips UTF-8 fields of up to 255 bytes through the client decoder', () => {
    const topic = 'é'.repeat(127) + 't';
    const frame = serializer.encodeMessage({ joinRef: 'j'.repeat(255), ref: null, topic, event: 'e'.repeat(255), payload: bytes(1) });
    expect(clientDecode(frame.data)).toMatchObject({ join_ref: 'j'.repeat(255), topic, event: 'e'.repeat(255) });
  });

  test.each([
    ['topic', { joinRef: '1', topic: 't'.repeat(256), event: 'e' }],
    ['event', { joinRef: null, topic: 't', event: 'é'.repeat(128) }],
    ['join_ref', { joinRef: '1'.repeat(256), topic: 't', event: 'e' }],
  ])('refuses a binary frame whose %s exceeds 255 bytes', (field, message) => {
    const error = thrownBy(() => serializer.encodeMessage({ ref: null, payload: bytes(1), ...message }));
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ code: 'CHANNELS_ERR_FRAME_FIELD_TOO_LONG', message: expect.stringContaining(field) });
  });

  test('refuses a binary reply whose topic exceeds 255 bytes', () => {
    expect(() =>
      serializer.encodeReply({ joinRef: '1', ref: '2', topic: 't'.repeat(256), status: 'ok', response: bytes(1) }),
    ).toThrow(TypeError);
  });
});

describe('V2JsonSerializer.decode: malformed frames throw ProtocolError', () => {
  test.each([
    ['not JSON', 'hello'],
    ['empty', ''],
    ['truncated JSON', '["1","2","t","e",'],
    ['an object', '{"topic":"t","event":"e","payload":{},"ref":"1"}'],
    ['a string', '"t"'],
    ['null', 'null'],
    ['a number', '5'],
    ['an empty array', '[]'],
    ['four elements', '["1","2","t","e"]'],
    ['six elements', '["1","2","t","e",{},{}]'],
    ['a numeric topic', '["1","2",5,"e",{}]'],
    ['a null topic', '["1","2",null,"e",{}]'],
    ['an object topic', '["1","2",{},"e",{}]'],
    ['an empty topic', '["1","2","","e",{}]'],
    ['a numeric event', '["1","2","t",5,{}]'],
    ['a null event', '["1","2","t",null,{}]'],
    ['an empty event', '["1","2","t","",{}]'],
    ['a numeric ref', '["1",2,"t","e",{}]'],
    ['a numeric join_ref', '[1,"2","t","e",{}]'],
    ['an object ref', '["1",{},"t","e",{}]'],
    ['a boolean join_ref', '[true,"2","t","e",{}]'],
    ['an array ref', '["1",["2"],"t","e",{}]'],
  ])('a text frame that is %s', (_case, text) => {
    expect(() => decodeText(text)).toThrow(ProtocolError);
  });

  test.each([
    ['empty', []],
    ['shorter than the header', [0, 0, 0, 1]],
    ['with lengths past its end', [0, 1, 1, 1, 1, ...Buffer.from('jrt')]],
    ['with a length far past its end', [0, 0, 0, 255, 1, ...Buffer.from('te')]],
    ['a reply (kind 1), which only servers send', [1, 1, 1, 1, 2, ...Buffer.from('12tok')]],
    ['a broadcast (kind 2), which only servers send', [2, 1, 1, ...Buffer.from('te')]],
    ['of an unknown kind', [3, 0, 0, 1, 1, ...Buffer.from('te')]],
    ['of kind 255', [255, 0, 0, 1, 1, ...Buffer.from('te')]],
    ['with an empty topic', [0, 1, 1, 0, 1, ...Buffer.from('12e')]],
    ['with an empty event', [0, 1, 1, 1, 0, ...Buffer.from('12t')]],
  ])('a binary frame %s', (_case, frame) => {
    expect(() => serializer.decode(Buffer.from(frame), true)).toThrow(ProtocolError);
  });

  test('ProtocolError carries a stable code and the close code 1007', () => {
    expect(() => decodeText('nope')).toThrow(expect.objectContaining({ code: 'CHANNELS_ERR_MALFORMED_FRAME', closeCode: 1007 }));
  });
});

describe('V2JsonSerializer.decode: hostile keys', () => {
  afterEach(() => {
    expect(({} as any).polluted).toBeUndefined();
    expect((Object.prototype as any).polluted).toBeUndefined();
  });

  test('__proto__ and constructor as topic and event are plain strings', () => {
    expect(decodeText('[null,"1","__proto__","constructor",{}]')).toMatchObject({ topic: '__proto__', event: 'constructor' });
    expect(decodeText('[null,"1","constructor","__proto__",{}]')).toMatchObject({ topic: 'constructor', event: '__proto__' });
  });

  test('__proto__ and constructor payload keys stay own data, never prototypes', () => {
    const message = decodeText(
      '["1","2","t","e",{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"a":{"__proto__":{"polluted":true}}}]',
    );
    const payload = message.payload as Record<string, any>;
    expect(Object.getPrototypeOf(payload)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(payload, '__proto__')).toBe(true);
    expect(payload.polluted).toBeUndefined();
    expect(payload.a.polluted).toBeUndefined();
  });

  test('binary frames with __proto__ fields are plain strings', () => {
    const frame = clientEncode({ join_ref: '__proto__', ref: 'constructor', topic: '__proto__', event: 'constructor', payload: bytes(1) });
    expect(serializer.decode(toBuffer(frame), true)).toMatchObject({
      joinRef: '__proto__',
      ref: 'constructor',
      topic: '__proto__',
      event: 'constructor',
    });
  });
});

describe('V2JsonSerializer.decode: the cost of a malformed frame', () => {
  const serializer = new V2JsonSerializer();
  const errorOf = (text: string, isBinary = false): ProtocolError => {
    try {
      serializer.decode(Buffer.from(text), isBinary);
    } catch (error) {
      return error as ProtocolError;
    }
    throw new Error(`${text} decoded`);
  };

  test.each([
    ['not JSON', 'hello', false],
    ['a non-string topic', '["1","2",3,"e",{}]', false],
    ['bad binary lengths', '\u0000\u00c8\u00c8\u00c8\u00c8', true],
  ])('%s: the ProtocolError carries no stack frames, and the stack limit is restored', (_case, text, isBinary) => {
    const limit = Error.stackTraceLimit;
    const error = errorOf(text, isBinary);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.stack?.split('\n').filter((line) => line.trimStart().startsWith('at '))).toEqual([]);
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error('elsewhere').stack).toMatch(/\n\s+at /);
  });
});
