import { Module } from '@nestjs/common';
import { MessageStore } from './message-store.service.js';
import { RoomChannel } from './room.channel.js';
import { UserChannel } from './user.channel.js';

@Module({
  providers: [RoomChannel, UserChannel, MessageStore],
})
export class ChatModule {}
