import type { ConnectingSocket } from '../interfaces/socket-handler.interface.js';

/** The connection-level socket handed to `SocketHandler.connect()` and `id()`. */
export class PendingSocket implements ConnectingSocket {
  readonly assigns: Record<string, unknown> = {};

  constructor(readonly vsn: string) {}

  assign(key: string, value: unknown): void;
  assign(values: Record<string, unknown>): void;
  assign(keyOrValues: string | Record<string, unknown>, value?: unknown): void {
    if (typeof keyOrValues === 'string') this.assigns[keyOrValues] = value;
    else Object.assign(this.assigns, keyOrValues);
  }
}
