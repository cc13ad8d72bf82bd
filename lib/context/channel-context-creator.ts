import { Inject, Injectable, Optional } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { ExternalContextCreator } from '@nestjs/core';
import { RESOLVED_OPTIONS } from '../channels.tokens.js';
import { CHANNELS_CONTEXT_TYPE } from '../constants.js';
import type { ResolvedChannelsOptions } from '../interfaces/channels-options.interface.js';
import type { ChannelHandlerFn } from '../discovery/channel-definition.js';
import { ChannelParamsFactory } from './channel-params-factory.js';
import { EnhancerLookup, type HandlerHost, type HandlerOptions } from './enhancer-lookup.js';
import { createLeanHandler } from './lean-handler.js';

const REQUEST: HandlerOptions = { guards: true, interceptors: true, filters: true };
const INTERNAL: HandlerOptions = { guards: false, interceptors: false, filters: false };

/**
 * Wraps channel methods with Nest's own machinery (guards, pipes, interceptors, exception
 * filters, parameter decorators), as controllers get it. A method with guards or interceptors
 * runs through `ExternalContextCreator`; one without runs through a lean wrapper with the same
 * pipes, filters and parameters (see `createLeanHandler`), so that a plain `@HandleIn` does not
 * pay for a guard and interceptor chain it does not have, on every message.
 */
@Injectable()
export class ChannelContextCreator {
  private readonly paramsFactory = new ChannelParamsFactory();
  private readonly lookup: EnhancerLookup;

  private readonly compileValidationPipes: boolean;

  constructor(
    private readonly externalContextCreator: ExternalContextCreator,
    @Optional() @Inject(RESOLVED_OPTIONS) options?: Pick<ResolvedChannelsOptions, 'compileValidationPipes'>,
  ) {
    this.lookup = new EnhancerLookup(externalContextCreator);
    this.compileValidationPipes = options?.compileValidationPipes ?? true;
  }

  /** For `@Join` and `@HandleIn`: the full request pipeline. `host`: the module providing the channel. */
  createRequestHandler(instance: object, methodName: string, host?: HandlerHost): ChannelHandlerFn {
    return this.create(instance, methodName, REQUEST, host);
  }

  /**
   * For `@HandleOut` and `@Terminate`: a broadcast or the end of a channel is not a client
   * request, so only parameter decorators and pipes apply.
   */
  createInternalHandler(instance: object, methodName: string, host?: HandlerHost): ChannelHandlerFn {
    return this.create(instance, methodName, INTERNAL, host);
  }

  private create(instance: object, methodName: string, options: HandlerOptions, host: HandlerHost | undefined): ChannelHandlerFn {
    const lean = host && createLeanHandler(this.externalContextCreator, this.lookup, this.paramsFactory, instance, methodName, host, { ...options, compileValidationPipes: this.compileValidationPipes });
    if (lean) return lean;
    const callback = (instance as Record<string, (...args: unknown[]) => unknown>)[methodName];
    return this.externalContextCreator.create(
      instance,
      callback!,
      methodName,
      ROUTE_ARGS_METADATA,
      this.paramsFactory,
      undefined,
      undefined,
      options,
      CHANNELS_CONTEXT_TYPE,
    );
  }
}
