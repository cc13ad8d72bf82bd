import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PubSub, type BroadcastMessage } from 'nestjs-channels';
import type { ChatMessage } from './chat-message.js';

/** How many messages each room keeps (and sends on join). */
export const HISTORY_LIMIT = 50;

/** Internal topic every node's store listens to; no channel serves it, so clients cannot join it. */
const HISTORY_TOPIC = 'chat:history';

/**
 * The last {@link HISTORY_LIMIT} messages of each room, in memory. Messages are added through
 * PubSub rather than directly, so with a PubSub that spans nodes every node keeps the same
 * history; on this node the subscriber runs at once, before `add()` returns.
 */
@Injectable()
export class MessageStore implements OnModuleInit, OnModuleDestroy {
  private readonly rooms = new Map<string, ChatMessage[]>();
  private readonly record = ({ payload }: BroadcastMessage) => this.append(payload as ChatMessage);

  constructor(private readonly pubsub: PubSub) {}

  onModuleInit(): void {
    this.pubsub.subscribe(HISTORY_TOPIC, this.record);
  }

  onModuleDestroy(): void {
    this.pubsub.unsubscribe(HISTORY_TOPIC, this.record);
  }

  add(message: ChatMessage): void {
    this.pubsub.broadcast(HISTORY_TOPIC, 'message', message);
  }

  /** The room's last messages, oldest first. */
  recent(room: string): ChatMessage[] {
    return [...(this.rooms.get(room) ?? [])];
  }

  private append(message: ChatMessage): void {
    const messages = this.rooms.get(message.room) ?? [];
    messages.push(message);
    if (messages.length > HISTORY_LIMIT) messages.splice(0, messages.length - HISTORY_LIMIT);
    this.rooms.set(message.room, messages);
  }
}
