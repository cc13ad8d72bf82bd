import type { PipeTransform, Type } from '@nestjs/common';
import { ChannelParamtype } from '../context/channel-paramtype.enum.js';
import { createChannelParamDecorator } from './param.utils.js';

/**
 * The message payload (or one property of it), through any pipes given, e.g.
 * `@Payload(new ValidationPipe())`. Binary frames give a `Buffer`.
 * @publicApi
 */
export const Payload = createChannelParamDecorator(ChannelParamtype.PAYLOAD);

/** The channel's {@link Socket}: topic, assigns, push, broadcast, reply later, stop. @publicApi */
export const ChannelSocket = createChannelParamDecorator(ChannelParamtype.SOCKET) as () => ParameterDecorator;

/** The topic being joined or handled, e.g. `room:lobby`. @publicApi */
export const Topic = createChannelParamDecorator(ChannelParamtype.TOPIC) as () => ParameterDecorator;

/**
 * The channel's assigns, or one of them: `@Assigns('user') user: User`. With the assigns type,
 * the key is checked: `@Assigns<RoomAssigns>('user')`.
 * @publicApi
 */
export const Assigns = createChannelParamDecorator(ChannelParamtype.ASSIGNS) as <TAssigns extends object = Record<string, unknown>>(
  key?: keyof TAssigns & string,
) => ParameterDecorator;

/** A {@link SocketRef} for the message being handled, to reply to it later. @publicApi */
export const Ref = createChannelParamDecorator(ChannelParamtype.REF) as () => ParameterDecorator;

/** Why the channel ended, in a `@Terminate()` handler (a `TerminateReason`), through any pipes given. @publicApi */
export const Reason = createChannelParamDecorator(ChannelParamtype.REASON) as (
  ...pipes: Array<PipeTransform | Type<PipeTransform>>
) => ParameterDecorator;

/** The event name, useful in a catch-all `@HandleIn()`. @publicApi */
export const Event = createChannelParamDecorator(ChannelParamtype.EVENT) as () => ParameterDecorator;
