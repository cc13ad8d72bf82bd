import { Logger, type CanActivate, type NestInterceptor, type PipeTransform } from '@nestjs/common';
import type { ExternalContextCreator } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import type { ExternalExceptionsHandler } from '@nestjs/core/exceptions/external-exceptions-handler.js';
import { ContextUtils } from '@nestjs/core/helpers/context-utils.js';
import { STATIC_CONTEXT } from '@nestjs/core/injector/constants.js';

/** The module that provides a channel class (its key in Nest's container), and its inquirer for transient enhancers. */
export interface HandlerHost {
  moduleKey: string;
  inquirerId?: string;
}

/** Which enhancers apply to a kind of handler: all of them to client requests, only pipes to the others. */
export interface HandlerOptions {
  guards: boolean;
  interceptors: boolean;
  filters: boolean;
}

/** What applies to a handler that no guard and no interceptor applies to. */
export interface LeanEnhancers {
  /** Global, class and method pipes, in Nest's order (parameter pipes come after them). */
  pipes: PipeTransform[];
  /** The exception filters' handler, or null for a handler Nest would not wrap in filters. */
  exceptions: ExternalExceptionsHandler | null;
}

/**
 * The module that provides a channel, as Nest's `ExternalContextCreator` finds it: its key in
 * the container, and the provider's id when the module lists it as an entry provider (Nest's
 * inquirer for transient enhancers).
 */
export function handlerHost(wrapper: InstanceWrapper): HandlerHost | undefined {
  const module = wrapper.host;
  if (!module) return undefined;
  const instance = wrapper.instance as object;
  const entry = module.entryProviders.find((item) => item.token === instance.constructor || item.instance === instance);
  return { moduleKey: module.token, inquirerId: entry?.id };
}

type Callback = (...args: unknown[]) => unknown;
interface ContextCreator<T> {
  create(instance: object, callback: Callback, moduleKey: string, contextId?: unknown, inquirerId?: string): T;
}

/** The context creators `ExternalContextCreator` builds from Nest's container, under the names Nest has given them since v6. */
interface ExternalContextCreatorParts {
  guardsContextCreator?: ContextCreator<CanActivate[]>;
  interceptorsContextCreator?: ContextCreator<NestInterceptor[]>;
  pipesContextCreator?: ContextCreator<PipeTransform[]>;
  filtersContextCreator?: ContextCreator<ExternalExceptionsHandler>;
}

const logger = new Logger('ChannelContextCreator');

/**
 * Lists the guards, interceptors, pipes and exception filters that apply to a handler with
 * Nest's own context creators, exactly as `ExternalContextCreator.create` resolves them. Nest has
 * no public API for that list, so they are read from the `ExternalContextCreator` the app
 * provides; if a Nest version names them otherwise, every handler keeps Nest's own wrapper.
 */
export class EnhancerLookup {
  private readonly contextUtils = new ContextUtils();
  private readonly parts: Required<ExternalContextCreatorParts> | null;

  constructor(ecc: ExternalContextCreator) {
    const parts = ecc as unknown as ExternalContextCreatorParts;
    const complete = [parts.guardsContextCreator, parts.interceptorsContextCreator, parts.pipesContextCreator, parts.filtersContextCreator].every(
      (creator) => typeof creator?.create === 'function',
    );
    if (!complete) logger.debug("ExternalContextCreator's context creators were not found: every channel handler runs through Nest's wrapper");
    this.parts = complete ? (parts as Required<ExternalContextCreatorParts>) : null;
  }

  /** The handler's pipes and filters when neither guards nor interceptors apply (of those `options` asks for); otherwise null. */
  enhancers(instance: object, callback: Callback, host: HandlerHost, options: HandlerOptions): LeanEnhancers | null {
    if (!this.parts) return null;
    const { moduleKey, inquirerId } = host;
    const { guardsContextCreator, interceptorsContextCreator, pipesContextCreator, filtersContextCreator } = this.parts;
    if (options.guards && guardsContextCreator.create(instance, callback, moduleKey, STATIC_CONTEXT, inquirerId).length > 0) return null;
    if (options.interceptors && interceptorsContextCreator.create(instance, callback, moduleKey, STATIC_CONTEXT, inquirerId).length > 0) return null;
    return {
      pipes: pipesContextCreator.create(instance, callback, moduleKey, STATIC_CONTEXT, inquirerId),
      exceptions: options.filters ? filtersContextCreator.create(instance, callback, moduleKey, STATIC_CONTEXT, inquirerId) : null,
    };
  }

  /** Nest's warning for a handler compiled without `emitDecoratorMetadata`, which pipes need. */
  warnOnMissingParamtypes(instance: object, methodName: string, paramtypes: unknown[] | undefined, pipes: PipeTransform[], params: unknown[]): void {
    this.contextUtils.warnOnMissingParamtypes(instance as never, methodName, paramtypes as never, pipes, params as never);
  }
}
