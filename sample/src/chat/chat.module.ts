import { Module } from '@nestjs/common';
import { MessageStore } from './message-store.service.js';
import { RoomChannel } from './room.channel.js';
import { SameUserGuard } from './same-user.guard.js';
import { UserChannel } from './user.channel.js';

@Module({
  providers: [RoomChannel, UserChannel, SameUserGuard, MessageStore],
})
export class ChatModule {}
