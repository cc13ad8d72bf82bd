import { ProtocolError } from '../../lib/errors/protocol.error.js';
import { V1JsonSerializer } from '../../lib/serializers/v1-json.serializer.js';
import { thrownBy } from '../support/thrown.js';

const serializer = new V1JsonSerializer();

function decodeText(text: string) {
  return serializer.decode(Buffer.from(text, 'utf8'), false);
}

describe('V1JsonSerializer.decode', () => {
  test('decodes an object frame with a join_ref', () => {
    const frame = JSON.stringify({ topic: 'room:lobby', event: 'phx_join', payload: { nick: 'ann' }, ref: '1', join_ref: '1' });
    expect(decodeText(frame)).toEqual({ joinRef: '1', ref: '1', topic: 'room:lobby', event: 'phx_join', payload: { nick: 'ann' } });
  });

  test('treats a missing join_ref, ref or payload as null (older clients omit them)', () => {
    expect(decodeText('{"topic":"room:1","event":"ping"}')).toEqual({
      joinRef: null,
      ref: null,
      topic: 'room:1',
      event: 'ping',
      payload: null,
    });
  });

  test('decodes a heartbeat', () => {
    expect(decodeText('{"topic":"phoenix","event":"heartbeat","payload":{},"ref":"3"}')).toMatchObject({
      topic: 'phoenix',
      event: 'heartbeat',
      ref: '3',
    });
  });

  test.each([
    ['not JSON', 'hello'],
    ['empty', ''],
    ['a 2.0.0 array frame', '["1","1","room:1","phx_join",{}]'],
    ['null', 'null'],
    ['a string', '"room:1"'],
    ['a number', '1'],
    ['without a topic', '{"event":"e","payload":{},"ref":"1"}'],
    ['with an empty topic', '{"topic":"","event":"e","payload":{},"ref":"1"}'],
    ['with a numeric topic', '{"topic":1,"event":"e","payload":{},"ref":"1"}'],
    ['without an event', '{"topic":"t","payload":{},"ref":"1"}'],
    ['with an object event', '{"topic":"t","event":{},"payload":{},"ref":"1"}'],
    ['with a numeric ref', '{"topic":"t","event":"e","payload":{},"ref":1}'],
    ['with an object join_ref', '{"topic":"t","event":"e","payload":{},"ref":"1","join_ref":{}}'],
  ])('refuses a frame that is %s', (_case, text) => {
    expect(() => decodeText(text)).toThrow(ProtocolError);
  });

  test('refuses binary frames: 1.0.0 has none', () => {
    expect(() => serializer.decode(Buffer.from([0, 0, 0, 1, 1, 116, 101]), true)).toThrow(ProtocolError);
  });

  test('does not read topic or event through a __proto__ key', () => {
    expect(() => decodeText('{"__proto__":{"topic":"t","event":"e"},"payload":{}}')).toThrow(ProtocolError);
    expect(({} as any).topic).toBeUndefined();
  });

  test('keeps __proto__ payload keys as own data', () => {
    const message = decodeText('{"topic":"__proto__","event":"constructor","payload":{"__proto__":{"polluted":true}}}');
    expect(message).toMatchObject({ topic: '__proto__', event: 'constructor' });
    expect((message.payload as any).polluted).toBeUndefined();
    expect(({} as any).polluted).toBeUndefined();
  });
});

describe('V1JsonSerializer.encodeReply', () => {
  test('encodes {topic, event: "phx_reply", payload: {status, response}, ref, join_ref}', () => {
    const frame = serializer.encodeReply({ joinRef: '1', ref: '2', topic: 'room:1', status: 'ok', response: { a: 1 } });
    expect(frame.binary).toBe(false);
    expect(JSON.parse(frame.data as string)).toEqual({
      topic: 'room:1',
      event: 'phx_reply',
      payload: { status: 'ok', response: { a: 1 } },
      ref: '2',
      join_ref: '1',
    });
  });

  test('encodes an error reply to a heartbeat-like message without a join_ref', () => {
    const frame = serializer.encodeReply({ joinRef: null, ref: '5', topic: 'room:1', status: 'error', response: { reason: 'unmatched topic' } });
    expect(JSON.parse(frame.data as string)).toEqual({
      topic: 'room:1',
      event: 'phx_reply',
      payload: { status: 'error', response: { reason: 'unmatched topic' } },
      ref: '5',
      join_ref: null,
    });
  });

  test('refuses a binary response with a TypeError', () => {
    expect(() =>
      serializer.encodeReply({ joinRef: '1', ref: '2', topic: 't', status: 'ok', response: Buffer.from([1]) }),
    ).toThrow(TypeError);
  });
});

describe('V1JsonSerializer.encodeMessage', () => {
  test('encodes a push and a broadcast as objects', () => {
    const push = serializer.encodeMessage({ joinRef: '1', ref: null, topic: 'room:1', event: 'msg', payload: { body: 'hi' } });
    expect(JSON.parse(push.data as string)).toEqual({ topic: 'room:1', event: 'msg', payload: { body: 'hi' }, ref: null, join_ref: '1' });
    const broadcast = serializer.encodeMessage({ joinRef: null, ref: null, topic: 'room:1', event: 'msg', payload: {} });
    expect(JSON.parse(broadcast.data as string)).toEqual({ topic: 'room:1', event: 'msg', payload: {}, ref: null, join_ref: null });
  });

  test.each([
    ['Buffer', Buffer.from([1])],
    ['Uint8Array', new Uint8Array([1])],
    ['ArrayBuffer', new ArrayBuffer(1)],
  ])('refuses a %s payload with a TypeError that names 2.0.0', (_case, payload) => {
    const error = thrownBy(() => serializer.encodeMessage({ joinRef: '1', ref: null, topic: 't', event: 'e', payload }));
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ code: 'CHANNELS_ERR_BINARY_NEEDS_V2', message: expect.stringContaining('2.0.0') });
  });
});
