import type { Type } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import { ChannelsError } from '../errors/channels.error.js';
import type { SocketHandler } from '../interfaces/socket-handler.interface.js';

/** Accepts every connection, anonymously: the default when no socket handler is configured. */
const acceptAll: SocketHandler = { connect: () => true, id: () => null };

/**
 * The configured socket handler: an object as given, or the app's provider of the class given (so
 * it gets its dependencies, and there is one instance). A class that is nobody's provider fails
 * the boot: building a second instance silently would split its state from the one the app uses.
 */
export function resolveSocketHandler(handler: Type<SocketHandler> | SocketHandler | undefined, moduleRef: ModuleRef): SocketHandler {
  if (handler === undefined) return acceptAll;
  if (typeof handler !== 'function') return handler;
  try {
    return moduleRef.get(handler, { strict: false });
  } catch {
    throw new ChannelsError(
      'CHANNELS_ERR_SOCKET_HANDLER_NOT_PROVIDED',
      `The socket handler ${handler.name} is not a provider of any module: list it in a module's providers ` +
        '(TokenSocketHandler comes with ChannelsAuthModule.forRoot())',
    );
  }
}
