import type { Type } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import type { SocketHandler } from '../interfaces/socket-handler.interface.js';

/** Accepts every connection, anonymously: the default when no socket handler is configured. */
const acceptAll: SocketHandler = { connect: () => true, id: () => null };

/**
 * The configured socket handler: an object as given, or a class resolved from the app's
 * providers (so it gets its dependencies), or created by Nest when it is nobody's provider.
 */
export async function resolveSocketHandler(
  handler: Type<SocketHandler> | SocketHandler | undefined,
  moduleRef: ModuleRef,
): Promise<SocketHandler> {
  if (handler === undefined) return acceptAll;
  if (typeof handler !== 'function') return handler;
  try {
    return moduleRef.get(handler, { strict: false });
  } catch {
    return moduleRef.create(handler);
  }
}
