import { encodeFrame, encodeFrameWithBody } from '../../../lib/transports/stomp/stomp-frame-encoder.js';
import { escapeHeader, unescapeHeader } from '../../../lib/transports/stomp/stomp-escaping.js';
import { StompFrameParser } from '../../../lib/transports/stomp/stomp-frame-parser.js';
import { StompSerializer, StompChannelEnd, StompReply } from '../../../lib/transports/stomp/stomp-serializer.js';
import { StompMessageTemplate } from '../../../lib/transports/stomp/stomp-message-template.js';
import { SharedFrame } from '../../../lib/fanout/shared-frame.js';

describe('STOMP frame encoding', () => {
  test('the spec example RECEIPT and ERROR frames', () => {
    expect(encodeFrame('RECEIPT', [['receipt-id', '77']], undefined, 'escaped').toString()).toBe('RECEIPT\nreceipt-id:77\n\n\0');
    const error = encodeFrameWithBody('ERROR', [['message', 'malformed frame received']], Buffer.from('x'), 'text/plain', 'escaped');
    expect(error.toString()).toBe('ERROR\nmessage:malformed frame received\ncontent-type:text/plain\ncontent-length:1\n\nx\0');
  });

  test('escaping round-trips; 1.0 escapes nothing but cannot carry line breaks', () => {
    const value = 'a:b\\c\nd\re';
    expect(escapeHeader(value, 'escaped')).toBe('a\\cb\\\\c\\nd\\re');
    expect(unescapeHeader(escapeHeader(value, 'escaped'), 'escaped')).toBe(value);
    expect(escapeHeader('room:lobby', 'none')).toBe('room:lobby');
    expect(escapeHeader('a\nb', 'none')).toBe('a b');
  });

  test('a binary body with NUL bytes survives encode and parse by its content-length', () => {
    const body = Buffer.from([0, 1, 0, 255]);
    const frame = encodeFrameWithBody('SEND', [['destination', '/topic/x']], body, 'application/octet-stream', 'escaped');
    const parser = new StompFrameParser({ maxFrameBytes: 1024, maxHeaders: 8, maxHeaderBytes: 128 });
    let parsed: Buffer | undefined;
    parser.push({ unfinished: undefined, escaping: 'escaped', onFrame: (decoded) => void (parsed = decoded.body), onHeartbeat: () => {} }, frame);
    expect(parsed).toEqual(body);
  });
});

describe('StompSerializer and message templates', () => {
  test('a broadcast is a MESSAGE lacking only its subscription, built once per subscription id', () => {
    const encoded = StompSerializer.escaped.encodeMessage({ joinRef: null, ref: null, topic: 'room:a', event: 'new_msg', payload: { body: 'hi' } });
    const shared = new SharedFrame(encoded.data as Buffer, encoded.binary, false);
    const template = StompMessageTemplate.of(shared, 'escaped');
    expect(template).toBe(StompMessageTemplate.of(shared, 'escaped'));
    expect(template.topic).toBe('room:a');
    const frame = template.forSubscription('sub-0');
    expect(template.forSubscription('sub-0')).toBe(frame);
    const text = frame.data.toString();
    expect(text).toMatch(/^MESSAGE\ndestination:\/topic\/room\\ca\nmessage-id:[^\n]+\nevent:new_msg\ncontent-type:application\/json\ncontent-length:13\nsubscription:sub-0\n\n\{"body":"hi"\}\0$/);
    expect(template.forSubscription('a:b').data.toString()).toContain('subscription:a\\cb\n');
  });

  test('1.0 clients get unescaped headers; binary payloads are octet-stream', () => {
    const encoded = StompSerializer.unescaped.encodeMessage({ joinRef: null, ref: null, topic: 'room:a', event: 'bytes', payload: Buffer.from([0, 1]) });
    expect(encoded.binary).toBe(true);
    const text = (encoded.data as Buffer).toString('latin1');
    expect(text).toContain('destination:/topic/room:a\n');
    expect(text).toContain('content-type:application/octet-stream\ncontent-length:2\n');
  });

  test('replies and channel ends are left for the connection to translate', () => {
    expect(StompSerializer.escaped.encodeReply({ joinRef: '1', ref: '1', topic: 't', status: 'ok', response: {} })).toBeInstanceOf(StompReply);
    expect(StompSerializer.escaped.encodeMessage({ joinRef: '1', ref: '1', topic: 't', event: 'phx_error', payload: {} })).toBeInstanceOf(StompChannelEnd);
  });
});
