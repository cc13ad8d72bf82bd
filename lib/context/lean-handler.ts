import type { PipeTransform } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import type { ExternalContextCreator, ParamsFactory } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { STATIC_CONTEXT } from '@nestjs/core/injector/constants.js';
import { PipesConsumer } from '@nestjs/core/pipes/pipes-consumer.js';
import { isObservable, lastValueFrom } from 'rxjs';
import { CHANNELS_CONTEXT_TYPE } from '../constants.js';
import type { ChannelHandlerFn } from '../discovery/channel-definition.js';
import type { EnhancerLookup, HandlerHost, HandlerOptions } from './enhancer-lookup.js';

type Method = (...args: unknown[]) => unknown;

/** One decorated parameter: where it goes, how it is read, and the pipes it passes through. */
interface LeanParam {
  index: number;
  extractValue: (...args: unknown[]) => unknown;
  metadata: { metatype: unknown; type: number | string; data: unknown; schema?: unknown };
  pipes: PipeTransform[];
}

const pipesConsumer = new PipesConsumer();

/**
 * The handler `ExternalContextCreator.create` would build for a method that no guard and no
 * interceptor applies to, without the machinery those need: the same parameters, pipes
 * (`PipesConsumer`, global, class, method and parameter pipes in Nest's order) and exception
 * filters (`ExternalExceptionsHandler`), and an Observable result read to its last value, but
 * with no promise hop where nothing is asynchronous. A handler with neither pipes nor custom
 * parameter decorators runs synchronously. Returns null when guards or interceptors apply: Nest's
 * own handler serves those (see `ChannelContextCreator`).
 */
export function createLeanHandler(
  ecc: ExternalContextCreator,
  lookup: EnhancerLookup,
  paramsFactory: ParamsFactory,
  instance: object,
  methodName: string,
  host: HandlerHost,
  options: HandlerOptions,
): ChannelHandlerFn | null {
  const callback = (instance as Record<string, Method>)[methodName]!;
  const enhancers = lookup.enhancers(instance, callback, host, options);
  if (!enhancers) return null;
  const { argsLength, paramtypes, getParamsMetadata } = ecc.getMetadata(instance, methodName, ROUTE_ARGS_METADATA, paramsFactory, CHANNELS_CONTEXT_TYPE);
  const params: LeanParam[] = (getParamsMetadata(host.moduleKey, STATIC_CONTEXT, host.inquirerId) ?? []).map((param) => ({
    index: param.index,
    extractValue: param.extractValue,
    metadata: { metatype: paramtypes?.[param.index], type: param.type, data: param.data, schema: (param as { schema?: unknown }).schema },
    pipes: enhancers.pipes.concat(param.pipes),
  }));
  lookup.warnOnMissingParamtypes(instance, methodName, paramtypes, enhancers.pipes, params);

  const exceptions = enhancers.exceptions;
  const failed = (error: unknown, args: unknown[]): unknown => {
    if (!exceptions) return Promise.reject(error);
    const context = new ExecutionContextHost(args);
    context.setType(CHANNELS_CONTEXT_TYPE);
    try {
      return exceptions.next(error as Error, context);
    } catch (rethrown) {
      return Promise.reject(rethrown);
    }
  };
  const settle = (result: unknown, args: unknown[]): unknown => {
    if (isObservable(result)) return lastValueFrom(result).catch((error: unknown) => failed(error, args));
    if (result instanceof Promise) return result.then(readObservable).catch((error: unknown) => failed(error, args));
    return result;
  };

  // No decorated parameter: the method gets the handler arguments as they are, as from Nest.
  if (params.length === 0) return invoker((args) => callback.apply(instance, args), settle, failed);
  // A custom decorator's value may be a promise, which Nest awaits: only this library's own
  // decorators (numeric types) are read synchronously.
  const synchronous = params.every((param) => param.pipes.length === 0 && typeof param.metadata.type === 'number');
  if (synchronous) {
    return invoker((args) => callback.apply(instance, argumentsFor(params, argsLength, args)), settle, failed);
  }
  return (...args: unknown[]) =>
    pipedArguments(params, argsLength, args).then(
      (resolved) => settle(callback.apply(instance, resolved), args),
      (error: unknown) => failed(error, args),
    ) as Promise<unknown>;
}

/** Runs `call` and settles its result; a synchronous throw goes to the exception filters too. */
function invoker(
  call: (args: unknown[]) => unknown,
  settle: (result: unknown, args: unknown[]) => unknown,
  failed: (error: unknown, args: unknown[]) => unknown,
): ChannelHandlerFn {
  return ((...args: unknown[]) => {
    try {
      return settle(call(args), args);
    } catch (error) {
      return failed(error, args);
    }
  }) as ChannelHandlerFn;
}

/** A promise resolving to an Observable resolves, in Nest, to the Observable's last value. */
function readObservable(value: unknown): unknown {
  return isObservable(value) ? lastValueFrom(value) : value;
}

function argumentsFor(params: LeanParam[], argsLength: number, args: unknown[]): unknown[] {
  const resolved = new Array<unknown>(argsLength).fill(undefined);
  for (const param of params) resolved[param.index] = param.extractValue(...args);
  return resolved;
}

/** As Nest's: every parameter's pipes at once, a custom decorator's promised value awaited. */
async function pipedArguments(params: LeanParam[], argsLength: number, args: unknown[]): Promise<unknown[]> {
  const resolved = new Array<unknown>(argsLength).fill(undefined);
  const resolve = async (param: LeanParam) => {
    const value = param.extractValue(...args);
    resolved[param.index] = param.pipes.length === 0 ? await value : await pipesConsumer.apply(value, param.metadata as never, param.pipes);
  };
  if (params.length === 1) await resolve(params[0]!);
  else await Promise.all(params.map(resolve));
  return resolved;
}
