import type { ConnectingSocket } from '../interfaces/socket-handler.interface.js';
import { assignInto } from './assigns.js';

/** The connection-level socket handed to `SocketHandler.connect()` and `id()`. */
export class PendingSocket implements ConnectingSocket {
  readonly assigns: Record<string, unknown> = {};

  constructor(readonly vsn: string) {}

  assign(keyOrValues: string | Record<string, unknown>, value?: unknown): void {
    assignInto(this.assigns, keyOrValues, value);
  }
}
