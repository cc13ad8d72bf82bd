import { SetMetadata } from '@nestjs/common';
import { TERMINATE_METADATA } from '../constants.js';

/**
 * Called once when the channel ends, however it ends, with `(reason, socket)`. Reasons:
 * `'leave'`, `'closed'` (the connection went away), `'duplicate_join'`, `'crash'`, `'shutdown'`,
 * or the reason given to `socket.stop()`.
 * @publicApi
 */
export const Terminate = (): MethodDecorator => SetMetadata(TERMINATE_METADATA, true);
