import 'reflect-metadata';
import { Test, type TestingModule } from '@nestjs/testing';
import { ChannelsTestHarness, type TestSocket } from 'nestjs-channels/testing';
import { AppModule } from '../../src/app.module.js';
import { APP_CONFIG, loadConfig } from '../../src/config/app-config.js';
import { SessionService } from '../../src/session/session.service.js';

export interface SampleHarness {
  moduleRef: TestingModule;
  channels: ChannelsTestHarness;
  /** A session token of `user`, as `POST /api/session` issues it. */
  tokenFor(user: string): Promise<string>;
  /** A test socket signed in as `user`, through the sample's own socket handler. */
  connectAs(user: string): Promise<TestSocket>;
}

/**
 * The sample's whole AppModule on `nestjs-channels/testing`: no server, no port; sockets go
 * through the real UserSocketHandler and channels. One node, in memory, whatever the environment.
 */
export async function createSampleHarness(): Promise<SampleHarness> {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(APP_CONFIG)
    .useValue(loadConfig({ PORT: '0' }))
    .compile();
  moduleRef.useLogger(['error']); // no HTTP server here: the transports' warning is expected
  const channels = await ChannelsTestHarness.create(moduleRef);
  const tokenFor = (user: string) => moduleRef.get(SessionService).start(user);
  return {
    moduleRef,
    channels,
    tokenFor,
    connectAs: async (user) => channels.connect({ token: await tokenFor(user) }),
  };
}
