import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { ChannelsModuleOptions } from './interfaces/channels-options.interface.js';

export const {
  ConfigurableModuleClass: ConfigurableChannelsModule,
  MODULE_OPTIONS_TOKEN: CHANNELS_MODULE_OPTIONS,
  OPTIONS_TYPE: CHANNELS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: CHANNELS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<ChannelsModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
