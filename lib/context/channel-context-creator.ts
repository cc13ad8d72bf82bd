import { Injectable } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { ExternalContextCreator } from '@nestjs/core';
import { CHANNELS_CONTEXT_TYPE } from '../constants.js';
import type { ChannelHandlerFn } from '../discovery/channel-definition.js';
import { ChannelParamsFactory } from './channel-params-factory.js';

/**
 * Wraps channel methods with Nest's own machinery (guards, pipes, interceptors, exception
 * filters, parameter decorators) through `ExternalContextCreator`, as controllers get it.
 */
@Injectable()
export class ChannelContextCreator {
  private readonly paramsFactory = new ChannelParamsFactory();

  constructor(private readonly externalContextCreator: ExternalContextCreator) {}

  /** For `@Join` and `@HandleIn`: the full request pipeline. */
  createRequestHandler(instance: object, methodName: string): ChannelHandlerFn {
    return this.create(instance, methodName, { guards: true, interceptors: true, filters: true });
  }

  /**
   * For `@HandleOut` and `@Terminate`: a broadcast or the end of a channel is not a client
   * request, so only parameter decorators and pipes apply.
   */
  createInternalHandler(instance: object, methodName: string): ChannelHandlerFn {
    return this.create(instance, methodName, { guards: false, interceptors: false, filters: false });
  }

  private create(
    instance: object,
    methodName: string,
    options: { guards: boolean; interceptors: boolean; filters: boolean },
  ): ChannelHandlerFn {
    const callback = (instance as Record<string, (...args: unknown[]) => unknown>)[methodName];
    return this.externalContextCreator.create(
      instance,
      callback,
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
