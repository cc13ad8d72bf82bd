import { Controller, Get, Header, Inject } from '@nestjs/common';
import { Registry } from 'prom-client';

export const TEST_REGISTRY = Symbol('TEST_REGISTRY');

/** `GET /metrics` from the test's own registry, as an app would serve it. */
@Controller()
export class MetricsController {
  constructor(@Inject(TEST_REGISTRY) private readonly registry: Registry) {}

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
