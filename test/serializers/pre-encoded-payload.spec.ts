import { jest } from '@jest/globals';
import { PreEncodedPayload, encodeOutbound } from '../../lib/serializers/pre-encoded-payload.js';
import { V1JsonSerializer } from '../../lib/serializers/v1-json.serializer.js';
import { V2JsonSerializer } from '../../lib/serializers/v2-json.serializer.js';
import type { OutboundMessage } from '../../lib/protocol/messages.js';

const payload = { ann: { metas: [{ phx_ref: 'a1', note: 'quote " and \u2028 and é' }] }, __proto__key: { metas: [] } };
const message = (payloadValue: unknown): OutboundMessage => ({ joinRef: '7', ref: null, topic: 'room:"x"', event: 'presence_state', payload: payloadValue });

describe('PreEncodedPayload', () => {
  test.each([new V1JsonSerializer(), new V2JsonSerializer()])('gives the very frame of serializer %p, encoding the payload once', (serializer) => {
    const shared = new PreEncodedPayload(payload);
    const stringify = jest.spyOn(JSON, 'stringify');
    const first = encodeOutbound(serializer, message(shared));
    const second = encodeOutbound(serializer, { ...message(shared), joinRef: '8' });
    const payloadEncodes = stringify.mock.calls.filter(([value]) => value === payload).length;
    stringify.mockRestore();
    const text = (frame: { data: string | Buffer; binary: boolean }) => ({ data: frame.data.toString(), binary: frame.binary });
    expect(text(first)).toEqual(serializer.encodeMessage(message(payload)));
    expect(text(second)).toEqual(serializer.encodeMessage({ ...message(payload), joinRef: '8' }));
    expect(payloadEncodes).toBe(1);
  });

  test('leaves any other serializer, a subclass too, to encode the value itself', () => {
    class Dialect extends V2JsonSerializer {
      override encodeMessage(outbound: OutboundMessage) {
        return super.encodeMessage({ ...outbound, event: `x-${outbound.event}` });
      }
    }
    const serializer = new Dialect();
    expect(encodeOutbound(serializer, message(new PreEncodedPayload(payload)))).toEqual(serializer.encodeMessage(message(payload)));
  });
});
