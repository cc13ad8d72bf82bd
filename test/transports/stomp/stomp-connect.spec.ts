import { connectParams, negotiateHeartbeats, negotiateVersion } from '../../../lib/transports/stomp/stomp-connect.js';
import { StompHeartbeats, type HeartbeatingSession } from '../../../lib/transports/stomp/stomp-heartbeats.js';

describe('CONNECT negotiation', () => {
  test('the highest common version; none given is 1.0; none in common is null', () => {
    expect(negotiateVersion('1.0,1.1,1.2')).toBe('1.2');
    expect(negotiateVersion('1.1, 1.0')).toBe('1.1');
    expect(negotiateVersion(undefined)).toBe('1.0');
    expect(negotiateVersion('2.0')).toBeNull();
  });

  test('heart-beats: each direction at the slower side, off when either says 0', () => {
    expect(negotiateHeartbeats('4000,20000', { sendMs: 10_000, receiveMs: 10_000 })).toEqual({ outgoingMs: 20_000, incomingMs: 10_000, header: '10000,10000' });
    expect(negotiateHeartbeats('0,0', { sendMs: 10_000, receiveMs: 10_000 })).toMatchObject({ outgoingMs: 0, incomingMs: 0 });
    expect(negotiateHeartbeats(undefined, { sendMs: 10_000, receiveMs: 10_000 })).toMatchObject({ outgoingMs: 0, incomingMs: 0 });
    expect(negotiateHeartbeats('500,500', { sendMs: 0, receiveMs: 100 })).toMatchObject({ outgoingMs: 0, incomingMs: 500 });
    expect(() => negotiateHeartbeats('-1,x', { sendMs: 1, receiveMs: 1 })).toThrow(/not two numbers/);
  });

  test('connect params are the non-protocol headers; Authorization: Bearer wins over passcode', () => {
    const headers = new Map([
      ['accept-version', '1.2'],
      ['host', 'h'],
      ['login', 'l'],
      ['passcode', 'pass'],
      ['token', 'abc'],
      ['heart-beat', '0,0'],
    ]);
    expect(connectParams(headers)).toEqual({ params: { token: 'abc' }, authToken: 'pass' });
    headers.set('Authorization', 'Bearer jwt.value');
    expect(connectParams(headers)).toEqual({ params: { token: 'abc' }, authToken: 'jwt.value' });
  });
});

describe('StompHeartbeats sweep', () => {
  function session(overrides: Partial<HeartbeatingSession>): HeartbeatingSession & { calls: string[] } {
    const calls: string[] = [];
    return {
      lastReadAt: 0,
      lastWriteAt: 0,
      outgoingMs: 0,
      incomingMs: 0,
      heartbeat: () => calls.push('heartbeat'),
      heartbeatMissed: () => calls.push('missed'),
      ping: () => calls.push('ping'),
      calls,
      ...overrides,
    };
  }

  test('sends when due, ends a client silent for twice its interval, pings those without heart-beats', () => {
    const sweep = new StompHeartbeats(100, 30_000);
    const sending = session({ outgoingMs: 1000, lastWriteAt: 0 });
    const silent = session({ incomingMs: 1000, lastReadAt: 0 });
    const quiet = session({ lastReadAt: 0 });
    for (const each of [sending, silent, quiet]) sweep.add(each);
    sweep.sweep(1000);
    expect(sending.calls).toEqual(['heartbeat']);
    expect(silent.calls).toEqual([]);
    sweep.sweep(2101);
    expect(silent.calls).toEqual(['missed']);
    expect(quiet.calls).toEqual([]);
    sweep.sweep(30_001);
    expect(quiet.calls).toEqual(['ping']);
    sweep.stop();
  });
});
