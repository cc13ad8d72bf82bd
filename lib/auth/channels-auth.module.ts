import { Module } from '@nestjs/common';
import { CHANNELS_AUTH_OPTIONS, ConfigurableChannelsAuthModule } from './channels-auth.module-definition.js';
import { ChannelsTokenService } from './channels-token.service.js';
import { TokenSocketHandler } from './token-socket.handler.js';

/**
 * Signed tokens for channels: provides {@link ChannelsTokenService} (sign in a controller,
 * verify anywhere) and the ready connect handler {@link TokenSocketHandler}. Global by default.
 * Options come from `forRoot({...})` or `forRootAsync({ useFactory, inject })`; they are checked
 * at boot, so a missing or short secret fails the start and names the option.
 *
 * ```ts
 * ChannelsAuthModule.forRoot({ secrets: [process.env.SOCKET_SECRET!] }),
 * ChannelsModule.forRoot({ socketHandler: TokenSocketHandler }),
 * ```
 * @publicApi
 */
@Module({
  providers: [ChannelsTokenService, TokenSocketHandler],
  // The options are exported too, so subclasses of TokenSocketHandler resolve wherever they live.
  exports: [CHANNELS_AUTH_OPTIONS, ChannelsTokenService, TokenSocketHandler],
})
export class ChannelsAuthModule extends ConfigurableChannelsAuthModule {}
