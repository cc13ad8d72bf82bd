import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PubSub, type BroadcastMessage } from 'nestjs-channels';
import type { ChatMessage } from './chat-message.js';

/** How many messages each room keeps (and sends on join). */
export const HISTORY_LIMIT = 50;

/** A room nobody wrote to or joined for this long is forgotten, so rooms used once do not pile up. */
export const ROOM_IDLE_MS = 30 * 60_000;
/** How often idle rooms are forgotten. */
const SWEEP_MS = 60_000;

/** Internal topic every node's store listens to; no channel serves it, so clients cannot join it. */
const HISTORY_TOPIC = 'chat:history';

interface Room {
  messages: ChatMessage[];
  /** When a message was added or the room was read (ms). */
  usedAt: number;
}

/**
 * The last {@link HISTORY_LIMIT} messages of each room, in memory, for rooms used in the last
 * {@link ROOM_IDLE_MS}. Messages are added through PubSub rather than directly, so with a PubSub
 * that spans nodes every node keeps the same history; on this node the subscriber runs at once,
 * before `add()` returns.
 */
@Injectable()
export class MessageStore implements OnModuleInit, OnModuleDestroy {
  private readonly rooms = new Map<string, Room>();
  private readonly record = ({ payload }: BroadcastMessage) => this.append(payload as ChatMessage);
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(private readonly pubsub: PubSub) {}

  onModuleInit(): void {
    this.pubsub.subscribe(HISTORY_TOPIC, this.record);
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweepTimer.unref();
  }

  onModuleDestroy(): void {
    this.pubsub.unsubscribe(HISTORY_TOPIC, this.record);
    clearInterval(this.sweepTimer);
  }

  add(message: ChatMessage): void {
    this.pubsub.broadcast(HISTORY_TOPIC, 'message', message);
  }

  /** The room's last messages, oldest first. */
  recent(room: string): ChatMessage[] {
    const kept = this.rooms.get(room);
    if (!kept) return [];
    kept.usedAt = Date.now();
    return [...kept.messages];
  }

  /** Rooms kept. */
  get roomCount(): number {
    return this.rooms.size;
  }

  /** Forgets the rooms idle for longer than {@link ROOM_IDLE_MS}; the timer runs it every minute. */
  sweep(now = Date.now()): void {
    for (const [name, room] of this.rooms) if (now - room.usedAt > ROOM_IDLE_MS) this.rooms.delete(name);
  }

  private append(message: ChatMessage): void {
    let room = this.rooms.get(message.room);
    if (!room) this.rooms.set(message.room, (room = { messages: [], usedAt: 0 }));
    room.usedAt = Date.now();
    room.messages.push(message);
    if (room.messages.length > HISTORY_LIMIT) room.messages.splice(0, room.messages.length - HISTORY_LIMIT);
  }
}
