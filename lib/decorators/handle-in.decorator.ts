import { SetMetadata } from '@nestjs/common';
import { CATCH_ALL_EVENT, HANDLE_IN_METADATA } from '../constants.js';

/**
 * Handles `event` pushed by the client (Phoenix's `handle_in/3`); without an event it handles
 * every event no other `@HandleIn` claims. A returned value is the ok reply, `undefined` sends
 * no reply (reply later through `socket.socketRef()`), a thrown `ChannelException` is the error
 * reply, and any other error crashes the channel (`phx_error`, the client rejoins).
 * @publicApi
 */
export const HandleIn = (event: string | string[] = CATCH_ALL_EVENT): MethodDecorator =>
  SetMetadata(HANDLE_IN_METADATA, Array.isArray(event) ? event : [event]);
