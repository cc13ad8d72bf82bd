import { Channel, ChannelSocket, HandleIn, Join, Payload, type Socket } from '../../lib/index.js';

/** A chat room that keeps its history; `typing` is ephemeral. */
@Channel('chat:*', { history: { size: 5, ttlMs: 60_000, ephemeral: ['typing'] } })
export class HistoryRoomChannel {
  @Join()
  join(): { welcome: true } {
    return { welcome: true };
  }

  @HandleIn('say')
  say(@Payload() payload: { n: number }, @ChannelSocket() socket: Socket): Record<string, never> {
    socket.broadcast('said', payload);
    return {};
  }

  /** Crashes the channel: the client gets `phx_error` and rejoins by itself. */
  @HandleIn('crash')
  crash(): never {
    throw new Error('crashed on purpose');
  }
}

/** A channel whose join answers a non-object: its reply cannot carry `recovery`. */
@Channel('list:*', { history: true })
export class ListChannel {
  @Join()
  join(): string[] {
    return ['a', 'b'];
  }
}

/** A channel without history, for comparison. */
@Channel('plain:*')
export class PlainChannel {
  @Join()
  join(): Record<string, never> {
    return {};
  }
}

export const HISTORY_PROVIDERS = [HistoryRoomChannel, ListChannel, PlainChannel];
