import 'reflect-metadata';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { ConnectedSocket, MessageBody } from '@nestjs/websockets';
import { ChannelParamsFactory, type ChannelHandlerArgs } from '../../lib/context/channel-params-factory.js';
import { ChannelParamtype } from '../../lib/context/channel-paramtype.enum.js';
import { Assigns, ChannelSocket, Event, Payload, Ref, Topic } from '../../lib/decorators/params.decorators.js';
import { Socket, type SocketOwner } from '../../lib/socket/socket.js';
import { SocketRef } from '../../lib/socket/socket-ref.js';

const owner: SocketOwner = {
  subscriberId: 'channel:test',
  joined: true,
  push: () => undefined,
  broadcast: () => undefined,
  currentRef: () => {
    throw new Error('not used');
  },
  stop: () => undefined,
};

const socket = new Socket(owner, 'room:42', '1', { user: 'ann', role: 'admin' }, 'user:ann', 'websocket', '2.0.0');
const ref = new SocketRef({ replyLater: () => undefined }, 'room:42', '1', '7');
const factory = new ChannelParamsFactory();

function resolve(type: number, data: unknown, args: ChannelHandlerArgs) {
  return factory.exchangeKeyForValue(type, data as any, args);
}

describe('ChannelParamsFactory', () => {
  const args: ChannelHandlerArgs = [socket, { body: 'hi', nested: { a: 1 } }, ref, 'new_msg'];

  test('SOCKET: the channel socket', () => {
    expect(resolve(ChannelParamtype.SOCKET, undefined, args)).toBe(socket);
  });

  test('PAYLOAD: the whole payload, or one property of it', () => {
    expect(resolve(ChannelParamtype.PAYLOAD, undefined, args)).toBe(args[1]);
    expect(resolve(ChannelParamtype.PAYLOAD, 'body', args)).toBe('hi');
    expect(resolve(ChannelParamtype.PAYLOAD, 'nested', args)).toEqual({ a: 1 });
    expect(resolve(ChannelParamtype.PAYLOAD, 'missing', args)).toBeUndefined();
  });

  test('PAYLOAD with a key on a payload that is not an object: undefined', () => {
    for (const payload of [null, 'text', 42, true]) {
      expect(resolve(ChannelParamtype.PAYLOAD, 'body', [socket, payload, ref, 'e'])).toBeUndefined();
      expect(resolve(ChannelParamtype.PAYLOAD, undefined, [socket, payload, ref, 'e'])).toBe(payload);
    }
  });

  test('PAYLOAD: a binary payload arrives whole', () => {
    const bytes = Buffer.from([1, 2]);
    expect(resolve(ChannelParamtype.PAYLOAD, undefined, [socket, bytes, ref, 'e'])).toBe(bytes);
  });

  test('TOPIC: the joined topic', () => {
    expect(resolve(ChannelParamtype.TOPIC, undefined, args)).toBe('room:42');
  });

  test('ASSIGNS: all of them, or one', () => {
    expect(resolve(ChannelParamtype.ASSIGNS, undefined, args)).toEqual({ user: 'ann', role: 'admin' });
    expect(resolve(ChannelParamtype.ASSIGNS, 'user', args)).toBe('ann');
    expect(resolve(ChannelParamtype.ASSIGNS, 'missing', args)).toBeUndefined();
  });

  test('REF and EVENT', () => {
    expect(resolve(ChannelParamtype.REF, undefined, args)).toBe(ref);
    expect(resolve(ChannelParamtype.REF, undefined, [socket, {}, null, 'e'])).toBeNull();
    expect(resolve(ChannelParamtype.EVENT, undefined, args)).toBe('new_msg');
  });

  test('an unknown parameter type or missing arguments give null', () => {
    expect(resolve(999, undefined, args)).toBeNull();
    expect(resolve(ChannelParamtype.SOCKET, undefined, undefined as unknown as ChannelHandlerArgs)).toBeNull();
  });
});

describe('ChannelParamsFactory with the parameter decorators', () => {
  class Handlers {
    ours(
      @ChannelSocket() _socket: unknown,
      @Payload() _payload: unknown,
      @Payload('body') _body: unknown,
      @Topic() _topic: unknown,
      @Assigns('user') _user: unknown,
      @Ref() _ref: unknown,
      @Event() _event: unknown,
    ) {}

    nests(@ConnectedSocket() _socket: unknown, @MessageBody() _payload: unknown, @MessageBody('body') _body: unknown) {}
  }

  /** Resolves every decorated parameter of `method` the way Nest's context creator does. */
  function resolveParams(method: keyof Handlers, args: ChannelHandlerArgs): unknown[] {
    const metadata: Record<string, { index: number; data: unknown }> = Reflect.getMetadata(ROUTE_ARGS_METADATA, Handlers, method);
    const values: unknown[] = [];
    for (const [key, { index, data }] of Object.entries(metadata)) {
      values[index] = resolve(Number(key.split(':')[0]), data, args);
    }
    return values;
  }

  const args: ChannelHandlerArgs = [socket, { body: 'hi' }, ref, 'new_msg'];

  test("this library's decorators resolve to the handler arguments", () => {
    expect(resolveParams('ours', args)).toEqual([socket, { body: 'hi' }, 'hi', 'room:42', 'ann', ref, 'new_msg']);
  });

  test("Nest's @ConnectedSocket() and @MessageBody() resolve the same way", () => {
    expect(resolveParams('nests', args)).toEqual([socket, { body: 'hi' }, 'hi']);
  });
});
