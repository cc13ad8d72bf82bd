import { Logger } from '@nestjs/common';
import { ChannelsTypeError } from '../errors/channels-type.error.js';
import type { ConnectInfo, SocketHandler } from '../interfaces/socket-handler.interface.js';
import { describeValue } from '../options/describe-value.js';
import { PendingSocket } from './connecting-socket.js';

/** A connection the socket handler accepted. */
export interface AcceptedConnection {
  assigns: Record<string, unknown>;
  socketId: string | null;
}

const logger = new Logger('SocketHandler');

/** Why a connection was not accepted: the handler said no, or its `connect()` threw. */
export type ConnectRefusal = 'refused' | 'error';

/**
 * Runs the socket handler for a connecting client. Only an explicit `true` accepts: a handler
 * that forgets to return, or throws, refuses (and a throw is logged, since it is a bug).
 */
export async function authorizeConnection(
  handler: SocketHandler,
  params: Record<string, string>,
  info: ConnectInfo,
  vsn: string,
): Promise<AcceptedConnection | ConnectRefusal> {
  const socket = new PendingSocket(vsn);
  try {
    const accepted = await handler.connect(params, socket, info);
    if (accepted !== true) {
      if (accepted !== false) logger.warn(`connect() returned ${String(accepted)}; return true to accept, false to refuse`);
      return 'refused';
    }
    const socketId = handler.id?.(socket) ?? null;
    if (socketId !== null && typeof socketId !== 'string') {
      throw new ChannelsTypeError('CHANNELS_ERR_INVALID_ARGUMENT', `id() must return a string or null, got ${describeValue(socketId)}`);
    }
    return { assigns: socket.assigns, socketId };
  } catch (error) {
    logger.error(`connect() threw, refusing the connection: ${error instanceof Error ? error.stack : String(error)}`);
    return 'error';
  }
}
