import { Module } from '@nestjs/common';
import { RevokedSessions } from './revoked-sessions.service.js';
import { SessionController } from './session.controller.js';
import { SessionService } from './session.service.js';

/** Sign-in and logout. `ChannelsTokenService` comes from the global `ChannelsAuthModule` (see AppModule). */
@Module({
  controllers: [SessionController],
  providers: [SessionService, RevokedSessions],
  exports: [SessionService],
})
export class SessionModule {}
