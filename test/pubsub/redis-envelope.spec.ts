import { decodeEnvelope, encodeEnvelope, positionedEnvelope } from '../../lib/pubsub/redis/redis-envelope.js';

describe('Redis envelope', () => {
  test('a JSON payload, its event and the sending node survive the trip', () => {
    const raw = encodeEnvelope('node-1', { topic: 'room:1', event: 'new_msg', payload: { body: 'hi', n: [1, null] } });
    expect(decodeEnvelope(raw)).toEqual({ nodeId: 'node-1', event: 'new_msg', payload: { body: 'hi', n: [1, null] } });
  });

  test('a byte payload arrives as the same bytes, not as JSON', () => {
    const bytes = Buffer.from([0, 255, 1, 128, 10]);
    const decoded = decodeEnvelope(encodeEnvelope('n', { topic: 't', event: 'bin', payload: bytes }));
    expect(Buffer.isBuffer(decoded?.payload)).toBe(true);
    expect(decoded?.payload).toEqual(bytes);
  });

  test('Uint8Array and ArrayBuffer payloads travel as bytes too', () => {
    const view = new Uint8Array([9, 8, 7]);
    expect(decodeEnvelope(encodeEnvelope('n', { topic: 't', event: 'e', payload: view }))?.payload).toEqual(Buffer.from(view));
    expect(decodeEnvelope(encodeEnvelope('n', { topic: 't', event: 'e', payload: view.buffer }))?.payload).toEqual(Buffer.from(view));
  });

  test('a string that merely looks like base64 stays a string', () => {
    const decoded = decodeEnvelope(encodeEnvelope('n', { topic: 't', event: 'e', payload: 'AAEC' }));
    expect(decoded?.payload).toBe('AAEC');
  });

  test('the broadcastFrom sender is kept, and absent when there is none', () => {
    const from = decodeEnvelope(encodeEnvelope('n', { topic: 't', event: 'e', payload: {}, from: 'channel:x:1' }));
    expect(from?.from).toBe('channel:x:1');
    const plain = decodeEnvelope(encodeEnvelope('n', { topic: 't', event: 'e', payload: {} }));
    expect(plain).not.toHaveProperty('from');
  });

  test('the sender\'s stream and sequence number travel with the broadcast', () => {
    const raw = encodeEnvelope('n', { topic: 't', event: 'e', payload: { a: 1 } }, { stream: 3, seq: 17 });
    expect(decodeEnvelope(raw)).toEqual({ nodeId: 'n', event: 'e', payload: { a: 1 }, stream: 3, seq: 17 });
  });

  test('an envelope without a sequence (an older node) is still a broadcast, with no numbering', () => {
    const decoded = decodeEnvelope(JSON.stringify({ v: 1, n: 'old', e: 'e', p: 1 }));
    expect(decoded).toEqual({ nodeId: 'old', event: 'e', payload: 1 });
    expect(decoded).not.toHaveProperty('seq');
  });

  test('a history broadcast: Redis puts its position in front of the envelope the node sent, and it decodes with it', () => {
    const sent = encodeEnvelope('n', { topic: 't', event: 'said', payload: { a: 1 }, from: 'channel:x:1' });
    const published = positionedEnvelope(sent, { epoch: 'Ab_c-9.z', offset: 42 });
    expect(published).toBe(`{"h":"Ab_c-9.z:42",${sent.slice(1)}`);
    expect(decodeEnvelope(published)).toEqual({
      nodeId: 'n',
      event: 'said',
      payload: { a: 1 },
      from: 'channel:x:1',
      position: { epoch: 'Ab_c-9.z', offset: 42 },
    });
    // The stream keeps the envelope as sent: it decodes too, without a position (the entry id is the offset).
    expect(decodeEnvelope(sent)).not.toHaveProperty('position');
  });

  test('a history envelope stays version 1 with every earlier field as it was: an older node reads it as a plain broadcast', () => {
    const bytes = Buffer.from([1, 2, 3]);
    const sent = encodeEnvelope('n', { topic: 't', event: 'bin', payload: bytes });
    const { h, ...rest } = JSON.parse(positionedEnvelope(sent, { epoch: 'E', offset: 1 }));
    expect(h).toBe('E:1');
    expect(rest).toEqual(JSON.parse(sent));
    expect(rest.v).toBe(1);
  });

  test.each([
    ['not JSON', 'hello'],
    ['a JSON array', '[1,2]'],
    ['null', 'null'],
    ['another version', JSON.stringify({ v: 2, n: 'x', e: 'e', p: {} })],
    ['no node id', JSON.stringify({ v: 1, e: 'e', p: {} })],
    ['an empty node id', JSON.stringify({ v: 1, n: '', e: 'e', p: {} })],
    ['no event', JSON.stringify({ v: 1, n: 'x', p: {} })],
    ['a sender that is not a string', JSON.stringify({ v: 1, n: 'x', e: 'e', f: 3 })],
    ['a binary marker on a non-string payload', JSON.stringify({ v: 1, n: 'x', e: 'e', p: {}, b: 1 })],
    ['a sequence without its stream', JSON.stringify({ v: 1, n: 'x', e: 'e', q: 1 })],
    ['a stream without a sequence', JSON.stringify({ v: 1, n: 'x', e: 'e', s: 1 })],
    ['a sequence that is not a positive integer', JSON.stringify({ v: 1, n: 'x', e: 'e', s: 1, q: 0 })],
    ['a stream that is not an integer', JSON.stringify({ v: 1, n: 'x', e: 'e', s: '1', q: 1 })],
    ['a position without an offset', JSON.stringify({ h: 'E', v: 1, n: 'x', e: 'e' })],
    ['a position that is a number', JSON.stringify({ h: 7, v: 1, n: 'x', e: 'e' })],
    ['a position with a negative offset', JSON.stringify({ h: 'E:-1', v: 1, n: 'x', e: 'e' })],
  ])('%s is not an envelope', (_, raw) => {
    expect(decodeEnvelope(raw)).toBeNull();
  });
});
