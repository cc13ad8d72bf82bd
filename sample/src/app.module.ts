import { createHmac } from 'node:crypto';
import { Module } from '@nestjs/common';
import { ChannelsAuthModule, ChannelsModule } from 'nestjs-channels';
import { ChatModule } from './chat/chat.module.js';
import { APP_CONFIG, type AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { SESSION_TOKEN_SALT } from './session/session-user.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { SessionModule } from './session/session.module.js';
import { UserSocketHandler } from './socket/user-socket.handler.js';
import { builtClientScript, CLIENT_SCRIPT } from './web/client-script.js';
import { WebController } from './web/web.controller.js';

/** The chat sample: demo sessions, token-checked sockets, rooms with presence, per-user channels, the page, metrics and health. */
@Module({
  imports: [
    ConfigModule,
    // Signs and verifies the session tokens (global: SessionService and the socket handler use it).
    ChannelsAuthModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secrets: config.tokenSecret,
        maxAge: config.tokenMaxAgeS,
        socket: { salt: SESSION_TOKEN_SALT },
      }),
    }),
    ChannelsModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        socketHandler: UserSocketHandler,
        // STOMP clients (Spring, IoT gateways, @stomp/stompjs) join the same rooms at /socket/stomp.
        transports: ['websocket', 'longpoll', 'stomp'],
        // Any node may answer a long-poll, so all of them sign its session tokens alike.
        longpoll: { secret: createHmac('sha256', config.tokenSecret).update('long-poll sessions').digest('base64url') },
        // Unset: in memory, one node. A redis:// URL: every node on that Redis forms one cluster.
        pubsub: config.redisUrl,
        presence: { nodeName: config.nodeName },
        // Chat text shrinks 3-10x: broadcasts are compressed once for every browser in the room.
        compression: true,
      }),
    }),
    SessionModule,
    ChatModule,
    ObservabilityModule,
  ],
  controllers: [WebController],
  providers: [UserSocketHandler, { provide: CLIENT_SCRIPT, useValue: builtClientScript }],
})
export class AppModule {}
