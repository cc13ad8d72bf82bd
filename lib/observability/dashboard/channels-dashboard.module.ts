import { Controller, Get, Header, Module, UseGuards, type DynamicModule } from '@nestjs/common';
import { ChannelsDashboard, CHANNELS_DASHBOARD_OPTIONS } from './channels-dashboard.service.js';
import type { ChannelsDashboardOptions } from './dashboard-options.js';
import { dashboardPage } from './dashboard-page.js';
import { ChannelsOptionError } from '../../errors/channels-option.error.js';

const DEFAULT_PATH = 'channels/dashboard';

/**
 * A live dashboard of every node of the cluster at `path` (default `/channels/dashboard`):
 * sockets by transport, channels by pattern, the busiest topics, messages per second, presences,
 * PubSub link and counters, recent disconnect reasons. Opt-in, and only behind the app's `guard`.
 * @publicApi
 */
@Module({})
export class ChannelsDashboardModule {
  static forRoot(options: ChannelsDashboardOptions): DynamicModule {
    if (typeof options?.guard !== 'function') {
      throw new ChannelsOptionError(
        'ChannelsDashboardModule.forRoot() needs a guard: the dashboard shows every node\'s topics and clients, give it the guard (class) that lets a request see it',
        'ChannelsDashboardModule',
        'guard',
      );
    }
    const path = (options.path ?? DEFAULT_PATH).replace(/^\/+|\/+$/g, '');
    const page = dashboardPage(`/${path}/data`);

    @Controller(path)
    @UseGuards(options.guard)
    class ChannelsDashboardController {
      constructor(private readonly dashboard: ChannelsDashboard) {}

      @Get()
      @Header('Content-Type', 'text/html; charset=utf-8')
      @Header('Cache-Control', 'no-store')
      page(): string {
        return page;
      }

      @Get('data')
      @Header('Cache-Control', 'no-store')
      data() {
        return this.dashboard.view();
      }
    }

    return {
      module: ChannelsDashboardModule,
      imports: options.imports ?? [],
      controllers: [ChannelsDashboardController],
      providers: [{ provide: CHANNELS_DASHBOARD_OPTIONS, useValue: options }, ChannelsDashboard],
    };
  }
}
