import type { ParamData } from '@nestjs/common';
import type { ParamsFactory } from '@nestjs/core';
import type { Socket } from '../socket/socket.js';
import { ChannelParamtype } from './channel-paramtype.enum.js';

/**
 * Handler arguments, in the order `switchToWs()` expects: `[socket, payload, ref, event]`, and
 * for `@Terminate` the reason after them.
 */
export type ChannelHandlerArgs = [Socket, unknown, unknown, string | undefined, string?];

/** Resolves the parameter decorators of channel handlers from the handler arguments. */
export class ChannelParamsFactory implements ParamsFactory {
  exchangeKeyForValue(type: number, data: ParamData, args: ChannelHandlerArgs): unknown {
    if (!args) return null;
    const [socket, payload, ref, event, reason] = args;
    const key = typeof data === 'string' ? data : undefined;
    switch (type as ChannelParamtype) {
      case ChannelParamtype.SOCKET:
        return socket;
      case ChannelParamtype.PAYLOAD:
        return key !== undefined && payload !== null && typeof payload === 'object'
          ? (payload as Record<string, unknown>)[key]
          : key !== undefined ? undefined : payload;
      case ChannelParamtype.TOPIC:
        return socket.topic;
      case ChannelParamtype.ASSIGNS:
        return key !== undefined ? socket.assigns[key] : socket.assigns;
      case ChannelParamtype.REF:
        return ref;
      case ChannelParamtype.EVENT:
        return event;
      case ChannelParamtype.REASON:
        return reason;
      default:
        return null;
    }
  }
}
