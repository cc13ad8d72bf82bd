import { Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { CATCH_ALL_EVENT, HANDLE_IN_METADATA, HANDLE_OUT_METADATA, JOIN_METADATA, TERMINATE_METADATA } from '../constants.js';
import { ChannelContextCreator } from '../context/channel-context-creator.js';
import { ChannelDiscovery } from '../decorators/channel.decorator.js';
import { ChannelsError } from '../errors/channels.error.js';
import { TopicRouter } from '../router/topic-router.js';
import type { ChannelDefinition, ChannelHandlerFn } from './channel-definition.js';

/**
 * Finds every `@Channel` provider through Nest's `DiscoveryService` and builds its routes.
 * Setup mistakes (no `@Join`, two handlers for one event, a request-scoped channel) fail at
 * boot with a message naming the class.
 */
@Injectable()
export class ChannelExplorer {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly contextCreator: ChannelContextCreator,
  ) {}

  explore(): TopicRouter<ChannelDefinition> {
    const router = new TopicRouter<ChannelDefinition>();
    for (const wrapper of this.discovery.getProviders({ metadataKey: ChannelDiscovery.KEY })) {
      const name = wrapper.metatype?.name ?? String(wrapper.token);
      if (!wrapper.isDependencyTreeStatic() || !wrapper.instance) {
        throw new ChannelsError(
          'CHANNELS_ERR_CHANNEL_NOT_SINGLETON',
          `Channel ${name} must be a singleton provider (request-scoped and transient channels are not supported): remove the scope from its @Injectable() and from the providers it depends on.`,
        );
      }
      const metadata = this.discovery.getMetadataByDecorator(ChannelDiscovery, wrapper);
      if (!metadata) continue;
      const definition = this.define(name, metadata.topic, wrapper.instance as object);
      // Its errors name the channel (and, for a topic routed twice, both channels).
      router.add(metadata.topic, definition, (target) => target.name);
    }
    return router;
  }

  private define(name: string, topic: string, instance: object): ChannelDefinition {
    let join: ChannelHandlerFn | undefined;
    let terminate: ((reason: string, socket: unknown) => unknown) | undefined;
    const handleIn = new Map<string, ChannelHandlerFn>();
    const handleOut = new Map<string, ChannelHandlerFn>();
    const prototype = Object.getPrototypeOf(instance) as object;
    const claim = (map: Map<string, ChannelHandlerFn>, kind: string, event: string, method: string) => {
      if (map.has(event)) throw new ChannelsError('CHANNELS_ERR_DUPLICATE_HANDLER', `Channel ${name} has two ${kind} handlers for "${event}"`);
      map.set(event, kind === '@HandleOut' ? this.contextCreator.createOutboundHandler(instance, method) : this.contextCreator.createRequestHandler(instance, method));
    };

    for (const method of this.scanner.getAllMethodNames(prototype)) {
      const handler = (instance as Record<string, unknown>)[method];
      if (this.reflector.get<boolean>(JOIN_METADATA, handler as () => void)) {
        if (join) throw new ChannelsError('CHANNELS_ERR_DUPLICATE_HANDLER', `Channel ${name} has more than one @Join() handler`);
        join = this.contextCreator.createRequestHandler(instance, method);
      }
      for (const event of this.reflector.get<string[]>(HANDLE_IN_METADATA, handler as () => void) ?? []) {
        claim(handleIn, '@HandleIn', event, method);
      }
      for (const event of this.reflector.get<string[]>(HANDLE_OUT_METADATA, handler as () => void) ?? []) {
        claim(handleOut, '@HandleOut', event, method);
      }
      if (this.reflector.get<boolean>(TERMINATE_METADATA, handler as () => void)) {
        if (terminate) throw new ChannelsError('CHANNELS_ERR_DUPLICATE_HANDLER', `Channel ${name} has more than one @Terminate() handler`);
        terminate = (reason, socket) => (handler as (r: string, s: unknown) => unknown).call(instance, reason, socket);
      }
    }
    if (!join) {
      throw new ChannelsError(
        'CHANNELS_ERR_NO_JOIN_HANDLER',
        `Channel ${name} (topic "${topic}") has no @Join() handler: add a method decorated with @Join() that accepts or refuses the join.`,
      );
    }
    const catchAll = handleIn.get(CATCH_ALL_EVENT);
    handleIn.delete(CATCH_ALL_EVENT);
    return { name, topic, instance, join, handleIn, catchAll, handleOut, terminate };
  }
}
