import { randomUUID } from 'node:crypto';
import {
  Channel,
  ChannelException,
  ChannelSocket,
  HandleIn,
  Join,
  Payload,
  Presence,
  Socket,
} from 'nestjs-channels';

/** What realtime-js sends when it joins `realtime:<name>`. */
interface RealtimeJoin {
  config?: {
    broadcast?: { self?: boolean; ack?: boolean };
    presence?: { key?: string; enabled?: boolean };
    postgres_changes?: unknown[];
  };
}

interface RealtimeAssigns {
  /** Whether the sender gets its own broadcasts (`config.broadcast.self`). */
  self: boolean;
  presenceKey: string;
}

/** `channel.send({ type: 'broadcast', event, payload })`, decoded by RealtimeSerializer. */
interface UserBroadcast {
  type: 'broadcast';
  event: string;
  payload: unknown;
}

/** `channel.track(payload)` and `channel.untrack()`. */
interface PresenceRequest {
  type: 'presence';
  event: 'track' | 'untrack';
  payload?: Record<string, unknown>;
}

/** Supabase Realtime's broadcast and presence, served to `@supabase/realtime-js` on its defaults. */
@Channel('realtime:*')
export class RealtimeChannel {
  constructor(private readonly presence: Presence) {}

  @Join()
  join(@Payload() params: RealtimeJoin, @ChannelSocket() socket: Socket<RealtimeAssigns>) {
    const config = params?.config ?? {};
    if (config.postgres_changes?.length) throw new ChannelException('postgres_changes is not served here');
    socket.assign('self', config.broadcast?.self === true);
    socket.assign('presenceKey', config.presence?.key || randomUUID());
    if (config.presence?.enabled) this.presence.pushState(socket);
    return {};
  }

  @HandleIn('broadcast')
  broadcast(@Payload() message: UserBroadcast, @ChannelSocket() socket: Socket<RealtimeAssigns>) {
    if (typeof message?.event !== 'string') throw new ChannelException('a broadcast needs an event');
    // Binary payloads travel between nodes only as a whole payload: send the bytes under the
    // user's event, which RealtimeSerializer writes as a user broadcast frame (kind 4).
    const isBinary = message.payload instanceof Uint8Array;
    const [event, payload] = isBinary ? [message.event, message.payload] : ['broadcast', message];
    if (socket.assigns.self) socket.broadcast(event, payload);
    else socket.broadcastFrom(event, payload);
    return {};
  }

  @HandleIn('presence')
  track(@Payload() request: PresenceRequest, @ChannelSocket() socket: Socket<RealtimeAssigns>) {
    if (request?.event === 'track') this.presence.upsert(socket, socket.assigns.presenceKey, request.payload ?? {});
    else if (request?.event === 'untrack') this.presence.untrack(socket, socket.assigns.presenceKey);
    else throw new ChannelException('presence events are track and untrack');
    return {};
  }

  /** realtime-js sends its token again when it changes; a socket handler would check it at connect. */
  @HandleIn('access_token')
  accessToken() {
    return {};
  }
}
