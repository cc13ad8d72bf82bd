import { Channel, ChannelSocket, Join, Presence, Socket } from '../../lib/index.js';

/** Tracks the connected user on join; the presence leaves with the channel. */
@Channel('presence:*')
export class PresenceChannel {
  constructor(private readonly presence: Presence) {}

  @Join()
  join(@ChannelSocket() socket: Socket<{ user: string }>) {
    this.presence.track(socket, socket.assigns.user, {});
    return {};
  }
}
