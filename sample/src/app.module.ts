import { createHmac } from 'node:crypto';
import { Module } from '@nestjs/common';
import { ChannelsModule } from 'nestjs-channels';
import { ChatModule } from './chat/chat.module.js';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { SessionModule } from './session/session.module.js';
import { UserSocketHandler } from './socket/user-socket.handler.js';
import { WebController } from './web/web.controller.js';

/** The chat sample: demo sessions, token-checked sockets, rooms and per-user channels, and the page. */
@Module({
  imports: [
    ConfigModule,
    ChannelsModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        socketHandler: UserSocketHandler,
        transports: ['websocket', 'longpoll'],
        // Any node may answer a long-poll, so all of them sign its session tokens alike.
        longpoll: { secret: createHmac('sha256', config.tokenSecret).update('long-poll sessions').digest('base64url') },
        // Unset: in memory, one node. A redis:// URL: every node on that Redis forms one cluster.
        pubsub: config.redisUrl,
      }),
    }),
    SessionModule,
    ChatModule,
  ],
  controllers: [WebController],
  providers: [UserSocketHandler],
})
export class AppModule {}
