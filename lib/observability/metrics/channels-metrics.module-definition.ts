import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { ChannelsMetricsOptions } from './metrics-options.js';

export const {
  ConfigurableModuleClass: ConfigurableChannelsMetricsModule,
  MODULE_OPTIONS_TOKEN: CHANNELS_METRICS_OPTIONS,
} = new ConfigurableModuleBuilder<ChannelsMetricsOptions>().setClassMethodName('forRoot').build();
