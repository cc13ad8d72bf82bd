import { Controller, Get, Header, Inject, Module, UseGuards, type DynamicModule } from '@nestjs/common';
import { RESOLVED_OPTIONS } from '../../channels.tokens.js';
import type { ResolvedChannelsOptions } from '../../interfaces/channels-options.interface.js';
import { ChannelsDashboard, CHANNELS_DASHBOARD_OPTIONS, type DashboardView } from './channels-dashboard.service.js';
import type { ChannelsDashboardOptions } from './dashboard-options.js';
import { dashboardPage } from './dashboard-page.js';
import { readPhoenixClient } from './phoenix-client.js';
import { ChannelsOptionError } from '../../errors/channels-option.error.js';

const DEFAULT_PATH = 'channels/dashboard';
const PHOENIX_CLIENT = Symbol('PHOENIX_CLIENT');
const MIN_SECRET_LENGTH = 32;

/**
 * A live dashboard of every node of the cluster at `path` (default `/channels/dashboard`):
 * sockets by transport, channels by pattern, the busiest topics, messages per second, presences,
 * PubSub link and counters, recent disconnect reasons. Opt-in, and only behind the app's `guard`.
 * The page receives its figures over the library itself: it loads the phoenix client from the
 * app and joins a reserved topic, with a grant that only the guarded page gives.
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
    if (options.secret !== undefined && (typeof options.secret !== 'string' || options.secret.length < MIN_SECRET_LENGTH)) {
      throw new ChannelsOptionError(
        `ChannelsDashboardModule.forRoot() secret must be a string of at least ${MIN_SECRET_LENGTH} random characters: it signs the grants that let a page join the dashboard topic`,
        'ChannelsDashboardModule',
        'secret',
      );
    }
    const path = (options.path ?? DEFAULT_PATH).replace(/^\/+|\/+$/g, '');

    @Controller(path)
    class ChannelsDashboardController {
      constructor(
        private readonly dashboard: ChannelsDashboard,
        @Inject(RESOLVED_OPTIONS) private readonly channels: ResolvedChannelsOptions,
        @Inject(PHOENIX_CLIENT) private readonly phoenixClient: string,
      ) {}

      /** The page, with a fresh grant: only a request the guard let through gets one. */
      @Get()
      @UseGuards(options.guard)
      @Header('Content-Type', 'text/html; charset=utf-8')
      @Header('Cache-Control', 'no-store')
      page(): string {
        const { path: socketPath, transports } = this.channels;
        return dashboardPage({ socketPath, longPoll: !transports.includes('websocket'), grant: this.dashboard.grants.issue() });
      }

      /** The published phoenix client: no secret in it, so not guarded (a page's token need not follow it). */
      @Get('phoenix.mjs')
      @Header('Content-Type', 'text/javascript; charset=utf-8')
      @Header('Cache-Control', 'public, max-age=3600')
      client(): string {
        return this.phoenixClient;
      }

      /** The view as JSON, for scripts; the page itself gets it over its socket. */
      @Get('data')
      @UseGuards(options.guard)
      @Header('Cache-Control', 'no-store')
      data(): DashboardView {
        return this.dashboard.view();
      }
    }

    return {
      module: ChannelsDashboardModule,
      imports: options.imports ?? [],
      controllers: [ChannelsDashboardController],
      providers: [
        { provide: CHANNELS_DASHBOARD_OPTIONS, useValue: options },
        { provide: PHOENIX_CLIENT, useFactory: readPhoenixClient },
        ChannelsDashboard,
      ],
    };
  }
}
