import { SetMetadata } from '@nestjs/common';
import { HANDLE_OUT_METADATA } from '../constants.js';

/**
 * Intercepts broadcasts of `event` on this channel (Phoenix's `intercept` + `handle_out/3`): each
 * subscriber runs the handler instead of receiving the shared frame, and forwards, changes or
 * drops it with `socket.push()`. Events not intercepted go out on the fast path, encoded once.
 * @publicApi
 */
export const HandleOut = (event: string | string[]): MethodDecorator =>
  SetMetadata(HANDLE_OUT_METADATA, Array.isArray(event) ? event : [event]);
