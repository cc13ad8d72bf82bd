import { Injectable } from '@nestjs/common';
import {
  Channel,
  ChannelException,
  ChannelSocket,
  HandleIn,
  Join,
  Payload,
  Presence,
  Socket,
} from '../../../lib/index.js';

export interface RoomJoinParams {
  /** The presence key; nothing is tracked without it. */
  user?: string;
  device?: string;
  /** Track, then refuse the join. */
  refuse?: boolean;
  /** Wait this long after pushing the state before the join returns (and subscribes). */
  holdMs?: number;
}

/** One presence operation of the `script` event: `['track', key, meta]`, `['update', key, meta]`, `['untrack', key]`. */
export type ScriptOp = [op: 'track' | 'update' | 'untrack', key: string, meta?: Record<string, unknown>];

/** What the channel saw, for the tests to inspect. */
@Injectable()
export class PresenceJournal {
  readonly tracked: Array<{ topic: string; key: string; ref: string }> = [];

  /** Keys the channel tracked on `topic` so far. */
  trackedOn(topic: string): string[] {
    return this.tracked.filter((entry) => entry.topic === topic).map((entry) => entry.key);
  }
}

/** Tracks the joining user (if any) and pushes the presence state, the way apps do. */
@Channel('presence:*')
export class PresenceRoomChannel {
  constructor(
    private readonly presence: Presence,
    private readonly journal: PresenceJournal,
  ) {}

  @Join()
  async join(@Payload() params: RoomJoinParams, @ChannelSocket() socket: Socket) {
    if (params?.user) {
      socket.assign('user', params.user);
      const ref = this.presence.track(socket, params.user, { device: params.device ?? 'web' });
      if (ref) this.journal.tracked.push({ topic: socket.topic, key: params.user, ref });
    }
    if (params?.refuse) throw new ChannelException('refused');
    this.presence.pushState(socket);
    if (params?.holdMs) await new Promise((resolve) => setTimeout(resolve, params.holdMs));
    return {};
  }

  @HandleIn('status')
  status(@Payload() payload: { status: string }, @ChannelSocket() socket: Socket) {
    const ref = this.presence.update(socket, socket.assigns.user as string, (meta) => ({ ...meta, status: payload.status }));
    return { ref };
  }

  /** Tracks `key` (default the user) with `meta`, or replaces its meta: Presence.upsert. */
  @HandleIn('upsert')
  upsert(@Payload() payload: { key?: unknown; meta: Record<string, unknown> }, @ChannelSocket() socket: Socket) {
    const ref = this.presence.upsert(socket, (payload.key ?? socket.assigns.user) as string, payload.meta);
    return { ref };
  }

  /** Runs presence operations one after the other in one handler: they all fall in one diff window. */
  @HandleIn('script')
  script(@Payload() payload: { ops: ScriptOp[] }, @ChannelSocket() socket: Socket) {
    const refs = payload.ops.map(([op, key, meta]) => {
      if (op === 'track') return this.presence.track(socket, key, meta);
      if (op === 'update') return this.presence.update(socket, key, meta ?? {});
      this.presence.untrack(socket, key);
      return null;
    });
    return { refs };
  }

  @HandleIn('untrack')
  untrack(@ChannelSocket() socket: Socket) {
    this.presence.untrack(socket, socket.assigns.user as string);
    return {};
  }

  @HandleIn('boom')
  boom(): never {
    throw new Error('handler exploded');
  }

  @HandleIn('stop')
  stop(@ChannelSocket() socket: Socket) {
    socket.stop('asked');
    return {};
  }
}
