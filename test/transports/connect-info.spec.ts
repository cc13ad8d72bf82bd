import type { IncomingMessage } from 'node:http';
import { connectInfo } from '../../lib/transports/connect-info.js';

function requestFrom(remoteAddress: string | undefined) {
  let reads = 0;
  const socket = {
    get remoteAddress() {
      reads++;
      return remoteAddress;
    },
  };
  const request = { headers: { 'user-agent': 'jest' }, url: '/socket/websocket?vsn=2.0.0', socket } as unknown as IncomingMessage;
  return { request, reads: () => reads };
}

test('the address is read from the socket when first asked for, once', () => {
  const { request, reads } = requestFrom('10.0.0.7');
  const info = connectInfo('websocket', request, 'token');
  expect(reads()).toBe(0);
  expect(info).toEqual({ transport: 'websocket', headers: { 'user-agent': 'jest' }, address: '10.0.0.7', authToken: 'token', url: '/socket/websocket?vsn=2.0.0' });
  expect(info.address).toBe('10.0.0.7');
  expect(reads()).toBe(1);
  expect({ ...info }.address).toBe('10.0.0.7');
});

test('a handler may still set the address (as on a plain object)', () => {
  const { request, reads } = requestFrom(undefined);
  const info = connectInfo('stomp', request, undefined);
  info.address = '192.0.2.1';
  expect([info.address, reads()]).toEqual(['192.0.2.1', 0]);
  expect(connectInfo('longpoll', requestFrom(undefined).request, undefined).address).toBeUndefined();
});
