import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { ChannelsHealthIndicator } from '../../lib/index.js';

/** `GET /health` (a failed check answers 503) and `GET /health/live` (a PubSub outage only degrades it), as an app would write them. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly channels: ChannelsHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  ready() {
    return this.health.check([() => this.channels.check('channels')]);
  }

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([() => this.channels.check('channels', { whenPubSubDown: 'degraded' })]);
  }
}
