import 'reflect-metadata';
import {
  type ArgumentsHost,
  BadRequestException,
  Catch,
  type ExceptionFilter,
  Injectable,
  Module,
  ParseIntPipe,
  type PipeTransform,
  UseFilters,
  UseGuards,
  UseInterceptors,
  UsePipes,
  ValidationPipe,
  createParamDecorator,
} from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { APP_FILTER, APP_PIPE, DiscoveryModule, DiscoveryService, ExternalContextCreator, NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { IsString } from 'class-validator';
import { of, map } from 'rxjs';
import { CHANNELS_CONTEXT_TYPE } from '../../lib/constants.js';
import { ChannelContextCreator } from '../../lib/context/channel-context-creator.js';
import { ChannelParamsFactory } from '../../lib/context/channel-params-factory.js';
import { handlerHost } from '../../lib/context/enhancer-lookup.js';
import type { ChannelHandlerFn } from '../../lib/discovery/channel-definition.js';
import { Event, Payload } from '../../lib/decorators/params.decorators.js';
import { loadValidationPackages } from '../../lib/context/validation/validation-packages.js';

class ChatMessage {
  @IsString()
  body!: string;
}

/** Upper-cases a string: a global pipe, to see that it runs first. */
class ShoutPipe implements PipeTransform {
  transform(value: unknown) {
    return typeof value === 'string' ? value.toUpperCase() : value;
  }
}

@Catch(RangeError)
class RangeFilter implements ExceptionFilter {
  catch(error: RangeError, host: ArgumentsHost) {
    return { filtered: error.message, type: host.getType(), event: host.getArgByIndex(3) };
  }
}

const Doubled = createParamDecorator(async (_data: unknown, context) => {
  const payload = context.getArgByIndex(1) as { n: number };
  return payload.n * 2;
});

const denyAll = { canActivate: () => false };
const tagResult = { intercept: (_context: unknown, next: { handle(): import('rxjs').Observable<unknown> }) => next.handle().pipe(map((value) => ({ intercepted: value }))) };

@Injectable()
class SampleChannel {
  plain(@Payload('x') x: string) {
    return { got: x };
  }

  raw(...args: unknown[]) {
    return { count: args.length, event: args[3] };
  }

  @UsePipes(new ValidationPipe())
  validated(@Payload() message: ChatMessage) {
    return { len: message.body.length };
  }

  parsed(@Payload('n', ParseIntPipe) n: number) {
    return n + 1;
  }

  shouted(@Payload('text') text: string) {
    return text;
  }

  observable(@Event() event: string) {
    return of(1, 2, event);
  }

  async promisedObservable() {
    return of('a', 'last');
  }

  throws() {
    throw new Error('boom');
  }

  async rejects() {
    throw new BadRequestException('bad');
  }

  @UseFilters(new RangeFilter())
  filtered() {
    throw new RangeError('out of range');
  }

  custom(@Doubled() doubled: number) {
    return doubled;
  }

  both(@Doubled() doubled: number, @Payload('text', new ParseIntPipe()) parsed: number) {
    return doubled + parsed;
  }

  @UseGuards(denyAll)
  guarded() {
    return 'never';
  }

  @UseInterceptors(tagResult)
  intercepted(@Payload('x') x: string) {
    return x;
  }
}

@Module({
  imports: [DiscoveryModule],
  providers: [SampleChannel, { provide: APP_PIPE, useClass: ShoutPipe }, { provide: APP_FILTER, useClass: RangeFilter }],
})
class SampleModule {}

type Outcome = { value: unknown } | { error: string };

async function outcome(handler: ChannelHandlerFn, args: unknown[]): Promise<Outcome> {
  try {
    return { value: await handler(...args) };
  } catch (error) {
    return { error: error instanceof Error ? `${error.constructor.name}: ${JSON.stringify((error as { response?: unknown }).response ?? error.message)}` : String(error) };
  }
}

describe('channel handlers without guards or interceptors (the lean wrapper)', () => {
  let app: INestApplicationContext;
  let ours: ChannelContextCreator;
  let ecc: ExternalContextCreator;
  let instance: SampleChannel;
  let host: ReturnType<typeof handlerHost>;

  beforeAll(async () => {
    app = await NestFactory.createApplicationContext(SampleModule, { logger: false });
    ecc = app.get(ExternalContextCreator);
    ours = new ChannelContextCreator(ecc);
    instance = app.get(SampleChannel);
    const wrapper = app.get(DiscoveryService).getProviders().find((item) => item.instance === instance)!;
    host = handlerHost(wrapper);
  });

  afterAll(() => app.close());

  /** What Nest's own `ExternalContextCreator` makes of the method: the reference. */
  function nests(method: keyof SampleChannel, internal = false): ChannelHandlerFn {
    const options = internal ? { guards: false, interceptors: false, filters: false } : { guards: true, interceptors: true, filters: true };
    return ecc.create(instance, instance[method] as never, method, ROUTE_ARGS_METADATA, new ChannelParamsFactory(), undefined, undefined, options, CHANNELS_CONTEXT_TYPE);
  }

  const cases: Array<[keyof SampleChannel, unknown]> = [
    ['plain', { x: 'hi' }],
    ['raw', { x: 1 }],
    ['validated', { body: 'hello' }],
    ['validated', { body: 42 }],
    ['validated', null],
    ['parsed', { n: '41' }],
    ['parsed', { n: 'forty' }],
    ['shouted', { text: 'quiet' }],
    ['observable', {}],
    ['promisedObservable', {}],
    ['throws', {}],
    ['rejects', {}],
    ['filtered', {}],
    ['custom', { n: 21 }],
    ['both', { n: 1, text: '2' }],
    ['both', { n: 1, text: 'two' }],
    ['guarded', {}],
    ['intercepted', { x: 'y' }],
  ];

  test.each(cases)('%s(%j) settles as under Nest’s own wrapper, for requests and internal calls', async (method, payload) => {
    for (const internal of [false, true]) {
      const lean = internal ? ours.createInternalHandler(instance, method, host) : ours.createRequestHandler(instance, method, host);
      const args = [{ topic: 'room:1' }, payload, null, 'new_msg'];
      expect(await outcome(lean, args)).toEqual(await outcome(nests(method, internal), args));
    }
  });

  test('global, method and parameter pipes and filters all apply (the expected values, not only equal ones)', async () => {
    const run = (method: keyof SampleChannel, payload: unknown) => outcome(ours.createRequestHandler(instance, method, host), [{}, payload, null, 'ev']);
    expect(await run('shouted', { text: 'quiet' })).toEqual({ value: 'QUIET' });
    expect(await run('parsed', { n: '41' })).toEqual({ value: 42 });
    expect(await run('validated', { body: 42 })).toEqual({ error: expect.stringContaining('BadRequestException') });
    expect(await run('filtered', {})).toEqual({ value: { filtered: 'out of range', type: 'channels', event: 'ev' } });
    // The global pipe upper-cases every string parameter, the event too.
    expect(await run('observable', {})).toEqual({ value: 'EV' });
    expect(await run('custom', { n: 21 })).toEqual({ value: 42 });
    expect(await run('guarded', {})).toEqual({ error: expect.stringContaining('ForbiddenException') });
    expect(await run('intercepted', { x: 'y' })).toEqual({ value: { intercepted: 'Y' } });
  });

  test('a handler whose parameters and pipes are synchronous answers synchronously; the others with a promise, as Nest does', () => {
    const plain = ours.createInternalHandler(instance, 'raw', host);
    expect(plain({}, {}, null, 'ev')).toEqual({ count: 4, event: 'ev' });
    // The global pipe (synchronous) applies: upper-cased, with no promise.
    expect(ours.createRequestHandler(instance, 'plain', host)({}, { x: 'a' }, null, 'ev')).toEqual({ got: 'A' });
    const parsed = ours.createRequestHandler(instance, 'parsed', host)({}, { n: '1' }, null, 'ev');
    expect(parsed).toBeInstanceOf(Promise);
    const custom = ours.createRequestHandler(instance, 'custom', host)({}, { n: 1 }, null, 'ev');
    expect(custom).toBeInstanceOf(Promise);
    const guarded = ours.createRequestHandler(instance, 'guarded', host)({}, {}, null, 'ev') as Promise<unknown>;
    guarded.catch(() => undefined);
    expect(guarded).toBeInstanceOf(Promise);
  });

  test('ValidationPipe, compiled: a valid payload is answered synchronously; with compileValidationPipes: false, through the pipe\'s promise', async () => {
    await loadValidationPackages();
    const compiled = ours.createRequestHandler(instance, 'validated', host);
    expect(compiled({}, { body: 'hello' }, null, 'ev')).toEqual({ len: 5 });
    const uncompiled = new ChannelContextCreator(ecc, { compileValidationPipes: false }).createRequestHandler(instance, 'validated', host);
    const answer = uncompiled({}, { body: 'hello' }, null, 'ev');
    expect(answer).toBeInstanceOf(Promise);
    expect(await answer).toEqual({ len: 5 });
    // An invalid payload gets the pipe's own exception either way.
    expect(await outcome(compiled, [{}, { body: 42 }, null, 'ev'])).toEqual(await outcome(uncompiled, [{}, { body: 42 }, null, 'ev']));
  });
});
