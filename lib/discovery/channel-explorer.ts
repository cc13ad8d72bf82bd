import { Inject, Injectable } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { CATCH_ALL_EVENT, HANDLE_IN_METADATA, HANDLE_OUT_METADATA, JOIN_METADATA, TERMINATE_METADATA } from '../constants.js';
import { ChannelContextCreator } from '../context/channel-context-creator.js';
import { handlerHost, type HandlerHost } from '../context/enhancer-lookup.js';
import { ChannelDiscovery } from '../decorators/channel.decorator.js';
import { ChannelsError } from '../errors/channels.error.js';
import { isReservedEvent, isReservedTopic } from '../protocol/reserved.js';
import { RESOLVED_OPTIONS } from '../channels.tokens.js';
import { checkHistoryOptions, historyPolicy, type HistoryPolicy } from '../history/history-options.js';
import { HistoryPolicies } from '../history/history-policies.js';
import type { ResolvedChannelsOptions } from '../interfaces/channels-options.interface.js';
import { OptionValidator } from '../options/option-validator.js';
import { TopicRouter } from '../router/topic-router.js';
import type { ChannelDefinition, ChannelHandlerFn, TerminateHandlerFn } from './channel-definition.js';

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
    private readonly historyPolicies: HistoryPolicies,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedChannelsOptions,
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
      if (isReservedTopic(metadata.topic.replace(/\*$/, ''))) {
        throw new ChannelsError(
          'CHANNELS_ERR_RESERVED_TOPIC',
          `@Channel('${metadata.topic}') on ${name} routes topics no client may join ("phoenix", "phx:*", "phx_*"): choose another topic`,
        );
      }
      const history = this.history(name, metadata.history);
      const definition = this.define(name, metadata.topic, wrapper.instance as object, history, handlerHost(wrapper));
      // Its errors name the channel (and, for a topic routed twice, both channels).
      router.add(metadata.topic, definition, (target) => target.name);
      if (history) this.historyPolicies.add(metadata.topic, history);
    }
    return router;
  }

  /** The channel's history policy, its options checked at boot. */
  private history(name: string, options: unknown): HistoryPolicy | undefined {
    if (options === undefined || options === false) return undefined;
    checkHistoryOptions(options, new OptionValidator(`@Channel() of ${name}`).at('history'));
    return historyPolicy(options as Parameters<typeof historyPolicy>[0], this.options.history);
  }

  private define(name: string, topic: string, instance: object, history: HistoryPolicy | undefined, host: HandlerHost | undefined): ChannelDefinition {
    let join: ChannelHandlerFn | undefined;
    let terminate: TerminateHandlerFn | undefined;
    const handleIn = new Map<string, ChannelHandlerFn>();
    const handleOut = new Map<string, ChannelHandlerFn>();
    const prototype = Object.getPrototypeOf(instance) as object;
    const claim = (map: Map<string, ChannelHandlerFn>, kind: string, event: string, method: string) => {
      if (map.has(event)) throw new ChannelsError('CHANNELS_ERR_DUPLICATE_HANDLER', `Channel ${name} has two ${kind} handlers for "${event}"`);
      if (isReservedEvent(event)) {
        throw new ChannelsError(
          'CHANNELS_ERR_RESERVED_EVENT',
          `Channel ${name} has a ${kind} handler for "${event}", an event of the Phoenix protocol that never reaches handlers: name the event otherwise`,
        );
      }
      map.set(event, kind === '@HandleOut' ? this.contextCreator.createInternalHandler(instance, method, host) : this.contextCreator.createRequestHandler(instance, method, host));
    };

    for (const method of this.scanner.getAllMethodNames(prototype)) {
      const handler = (instance as Record<string, unknown>)[method];
      if (this.reflector.get<boolean>(JOIN_METADATA, handler as () => void)) {
        if (join) throw new ChannelsError('CHANNELS_ERR_DUPLICATE_HANDLER', `Channel ${name} has more than one @Join() handler`);
        join = this.contextCreator.createRequestHandler(instance, method, host);
      }
      for (const event of this.reflector.get<string[]>(HANDLE_IN_METADATA, handler as () => void) ?? []) {
        claim(handleIn, '@HandleIn', event, method);
      }
      for (const event of this.reflector.get<string[]>(HANDLE_OUT_METADATA, handler as () => void) ?? []) {
        claim(handleOut, '@HandleOut', event, method);
      }
      if (this.reflector.get<boolean>(TERMINATE_METADATA, handler as () => void)) {
        if (terminate) throw new ChannelsError('CHANNELS_ERR_DUPLICATE_HANDLER', `Channel ${name} has more than one @Terminate() handler`);
        terminate = this.terminateHandler(instance, method, host);
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
    return { name, pattern: topic, history, join, handleIn, catchAll, handleOut, terminate };
  }

  /**
   * A `@Terminate` method with parameter decorators (`@Reason()`, `@ChannelSocket()`, ...) gets
   * them resolved, pipes included; one without is called as `(reason, socket)`.
   */
  private terminateHandler(instance: object, method: string, host: HandlerHost | undefined): TerminateHandlerFn {
    if (Reflect.getMetadata(ROUTE_ARGS_METADATA, instance.constructor, method) === undefined) {
      const plain = (instance as Record<string, (reason: string, socket: unknown) => unknown>)[method]!;
      return (reason, socket) => plain.call(instance, reason, socket);
    }
    const decorated = this.contextCreator.createInternalHandler(instance, method, host);
    return (reason, socket) => decorated(socket, undefined, null, undefined, reason);
  }
}

