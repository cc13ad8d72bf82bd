import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { ChannelsHealthIndicator } from 'nestjs-channels';

/**
 * `GET /health`: 200 while this node can serve its clients, with the PubSub link state. A node
 * whose Redis is away still serves its own clients, so a PubSub outage only degrades the check;
 * it fails (503) while the node drains at shutdown.
 */
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly channels: ChannelsHealthIndicator,
  ) {}

  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check([() => this.channels.check('channels', { whenPubSubDown: 'degraded' })]);
  }
}
