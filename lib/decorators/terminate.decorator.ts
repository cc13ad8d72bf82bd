import { SetMetadata } from '@nestjs/common';
import { TERMINATE_METADATA } from '../constants.js';

/**
 * Called once when the channel ends, however it ends. Its parameters take decorators like other
 * handlers (`@Reason()`, `@ChannelSocket()`, `@Topic()`, `@Assigns()`; pipes apply, guards and
 * interceptors do not: nothing can refuse an end); without any, it is called as `(reason, socket)`.
 * Reasons: `'leave'`, `'closed'` (the connection went away), `'duplicate_join'`, `'crash'`,
 * `'shutdown'`, or the reason given to `socket.stop()`.
 * @publicApi
 */
export const Terminate = (): MethodDecorator => SetMetadata(TERMINATE_METADATA, true);
