import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { ChannelsAuthOptions } from './auth-options.interface.js';

/**
 * `CHANNELS_AUTH_OPTIONS` is the injection token of the `ChannelsAuthOptions` given to
 * `ChannelsAuthModule.forRoot()`, for subclasses of `TokenSocketHandler`. @publicApi
 */
export const {
  ConfigurableModuleClass: ConfigurableChannelsAuthModule,
  MODULE_OPTIONS_TOKEN: CHANNELS_AUTH_OPTIONS,
  OPTIONS_TYPE: CHANNELS_AUTH_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: CHANNELS_AUTH_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<ChannelsAuthOptions>()
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
