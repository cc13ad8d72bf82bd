import { Injectable, Module, type PipeTransform } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Assigns, Channel, ChannelSocket, ChannelsModule, HandleIn, HandleOut, Join, Reason, Terminate, Topic, type Socket } from 'nestjs-channels';
import { ChannelsTestHarness } from 'nestjs-channels/testing';
import { ChannelsRuntime } from '../../lib/channels-runtime.js';
import { eventually } from '../support/phoenix-client.js';

// The explorer turns @Channel providers into routes and handlers at boot, and refuses what
// cannot work. These tests boot a testing module per case and read what came out of it.

async function boot(...providers: Array<new (...args: never[]) => unknown>) {
  @Module({ imports: [ChannelsModule.forRoot()], providers })
  class CaseModule {}
  return Test.createTestingModule({ imports: [CaseModule] }).compile();
}

async function bootFailure(...providers: Array<new (...args: never[]) => unknown>): Promise<unknown> {
  const moduleRef = await boot(...providers);
  try {
    await moduleRef.init();
  } catch (error) {
    return error;
  } finally {
    await moduleRef.close().catch(() => undefined);
  }
  throw new Error('the module booted');
}

/** Records every @Terminate call of the channels below. */
const ended: unknown[][] = [];
beforeEach(() => (ended.length = 0));

@Injectable()
class Uppercase implements PipeTransform<string, string> {
  transform(value: string): string {
    return value.toUpperCase();
  }
}

@Channel('plain:*')
class PlainTerminateChannel {
  @Join()
  join(@ChannelSocket() socket: Socket): Record<string, never> {
    socket.assign('user', 'ann');
    return {};
  }

  @HandleIn()
  anything(@ChannelSocket() socket: Socket): void {
    socket.stop('done');
  }

  @Terminate()
  left(reason: string, socket: Socket): void {
    ended.push(['plain', reason, socket.topic]);
  }
}

@Channel('decorated:*')
class DecoratedTerminateChannel {
  @Join()
  join(@ChannelSocket() socket: Socket): Record<string, never> {
    socket.assign('user', 'bob');
    return {};
  }

  @HandleIn()
  anything(@ChannelSocket() socket: Socket): void {
    socket.stop('done');
  }

  @Terminate()
  left(@Topic() topic: string, @Assigns('user') user: string, @Reason(new Uppercase()) reason: string, @ChannelSocket() socket: Socket): void {
    ended.push(['decorated', topic, user, reason, socket.joined]);
  }
}

describe('ChannelExplorer', () => {
  test('routes every @Channel, exact and wildcard, with its handlers', async () => {
    const moduleRef = await boot(PlainTerminateChannel, DecoratedTerminateChannel);
    await moduleRef.init();
    const router = moduleRef.get(ChannelsRuntime).router;
    expect(router.size).toBe(2);
    const plain = router.match('plain:1')!;
    expect(plain.name).toBe('PlainTerminateChannel');
    expect(plain.catchAll).toBeDefined();
    expect([...plain.handleIn.keys()]).toEqual([]);
    expect(router.match('decorated:x')!.name).toBe('DecoratedTerminateChannel');
    expect(router.match('other')).toBeUndefined();
    await moduleRef.close();
  });

  test('a @Terminate without parameter decorators is called as (reason, socket)', async () => {
    const moduleRef = await boot(PlainTerminateChannel);
    const channels = await ChannelsTestHarness.create(moduleRef);
    const channel = await (await channels.connect()).subscribeAndJoin('plain:1');
    channel.push('stop');
    await channel.assertPush('phx_close');
    await eventually(() => ended.length > 0, '@Terminate');
    expect(ended).toEqual([['plain', 'done', 'plain:1']]);
    await channels.close();
    await moduleRef.close();
  });

  test('a @Terminate with parameter decorators gets them resolved, pipes included', async () => {
    const moduleRef = await boot(DecoratedTerminateChannel);
    const channels = await ChannelsTestHarness.create(moduleRef);
    const channel = await (await channels.connect()).subscribeAndJoin('decorated:1');
    channel.push('stop');
    await channel.assertPush('phx_close');
    await eventually(() => ended.length > 0, '@Terminate');
    expect(ended).toEqual([['decorated', 'decorated:1', 'bob', 'DONE', false]]);
    await channels.close();
    await moduleRef.close();
  });

  test('a handler for a Phoenix protocol event fails the boot', async () => {
    @Channel('proto:*')
    class ProtocolEventChannel {
      @Join() join() {}
      @HandleIn('phx_reply') reply() {}
    }
    expect(await bootFailure(ProtocolEventChannel)).toMatchObject({
      code: 'CHANNELS_ERR_RESERVED_EVENT',
      message: expect.stringContaining('Channel ProtocolEventChannel has a @HandleIn handler for "phx_reply"'),
    });

    @Channel('proto:*')
    class InterceptingChannel {
      @Join() join() {}
      @HandleOut('phx_close') close() {}
    }
    expect(await bootFailure(InterceptingChannel)).toMatchObject({ code: 'CHANNELS_ERR_RESERVED_EVENT' });
  });

  test.each(['phx:*', 'phx_presence:*', 'phoenix'])('a route on reserved topics (%s) fails the boot', async (topic) => {
    @Channel(topic)
    class ReservedChannel {
      @Join() join() {}
    }
    expect(await bootFailure(ReservedChannel)).toMatchObject({
      code: 'CHANNELS_ERR_RESERVED_TOPIC',
      message: expect.stringContaining(`@Channel('${topic}') on ReservedChannel routes topics no client may join`),
    });
  });

  test('two @Join handlers, or two handlers for one event, fail the boot and name the channel', async () => {
    @Channel('twice')
    class TwiceChannel {
      @Join() join() {}
      @HandleIn('e') first() {}
      @HandleIn('e') second() {}
    }
    expect(await bootFailure(TwiceChannel)).toMatchObject({
      code: 'CHANNELS_ERR_DUPLICATE_HANDLER',
      message: 'Channel TwiceChannel has two @HandleIn handlers for "e"',
    });
  });
});
