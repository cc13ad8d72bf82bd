import { randomUUID } from 'node:crypto';
import { ValidationPipe } from '@nestjs/common';
import {
  Assigns,
  Channel,
  ChannelException,
  ChannelSocket,
  ChannelsServer,
  HandleIn,
  Join,
  Payload,
  Presence,
  Topic,
  type HistoryOptions,
  type Socket,
} from 'nestjs-channels';
import type { SessionUser } from '../session/session-user.js';
import { toPublic, type ChatMessage, type PublicChatMessage } from './chat-message.js';
import { findMentions } from './mentions.js';
import { MessageStore } from './message-store.service.js';
import { NewMessageDto } from './new-message.dto.js';
import { ROOM_PREFIX, userTopic } from './topics.js';

const ROOM_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * What a room keeps for clients that come back (`since`): its last 100 `new_msg`, for 5 minutes.
 * Typing notices are not worth replaying; presence diffs never are (a rejoin gets presence_state).
 */
export const ROOM_HISTORY = { size: 100, ttlMs: 5 * 60_000, ephemeral: ['typing'] } satisfies HistoryOptions;

/** What a room channel's socket carries: the signed-in user (from the token), and the room name. */
interface RoomAssigns {
  user: SessionUser;
  room: string;
}

/**
 * A chat room, `room:<name>`: any signed-in user joins, gets the recent history and the list of
 * who is online; messages go to everyone in the room, mentions also to the mentioned user's
 * `user:<name>` channel. Its join reply also carries `recovery` (the library adds it), and a
 * client that rejoins with `since` gets the messages it missed.
 */
@Channel(`${ROOM_PREFIX}*`, { history: ROOM_HISTORY })
export class RoomChannel {
  constructor(
    private readonly store: MessageStore,
    private readonly channels: ChannelsServer,
    private readonly presence: Presence,
  ) {}

  @Join()
  join(
    @Topic() topic: string,
    @Assigns<RoomAssigns>('user') user: SessionUser,
    @ChannelSocket() socket: Socket<RoomAssigns>,
  ): { messages: PublicChatMessage[] } {
    const room = topic.slice(ROOM_PREFIX.length);
    if (!ROOM_NAME.test(room)) throw new ChannelException('invalid room');
    socket.assign('room', room);
    // One key per user: two tabs are one name with two metas. The presence leaves by itself
    // when this channel ends, however it ends, so there is no untrack to write.
    this.presence.track(socket, user.id, { online_at: new Date().toISOString() });
    // presence_state goes out after the join reply; it never rejects, so there is nothing to await.
    void this.presence.pushState(socket);
    return { messages: this.store.recent(room).map(toPublic) };
  }

  @HandleIn('new_msg')
  newMessage(
    @Payload(new ValidationPipe()) { body }: NewMessageDto,
    @Assigns<RoomAssigns>('user') { id: user }: SessionUser,
    @ChannelSocket() socket: Socket<RoomAssigns>,
  ): { id: string } {
    const { room } = socket.assigns;
    const message: ChatMessage = { id: randomUUID(), room, user, body, at: new Date().toISOString() };
    this.store.add(message);
    socket.broadcast('new_msg', toPublic(message));
    for (const mentioned of findMentions(body)) {
      this.channels.broadcast(userTopic(mentioned), 'mention', { from: user, room, body });
    }
    return { id: message.id };
  }

  /** No reply: typing notices are fire-and-forget, and the sender already knows it is typing. */
  @HandleIn('typing')
  typing(@Assigns<RoomAssigns>('user') { id: user }: SessionUser, @ChannelSocket() socket: Socket<RoomAssigns>): void {
    socket.broadcastFrom('typing', { user });
  }
}
