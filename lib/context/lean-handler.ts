import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import type { ExternalContextCreator, ParamsFactory } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { STATIC_CONTEXT } from '@nestjs/core/injector/constants.js';
import { ParamsTokenFactory } from '@nestjs/core/pipes/params-token-factory.js';
import { isObservable, lastValueFrom } from 'rxjs';
import { CHANNELS_CONTEXT_TYPE } from '../constants.js';
import type { ChannelHandlerFn } from '../discovery/channel-definition.js';
import { isThenable } from '../socket/thenable.js';
import type { EnhancerLookup, HandlerHost, HandlerOptions } from './enhancer-lookup.js';
import { compileValidationPipe } from './validation/compiled-validation-pipe.js';

type Method = (...args: unknown[]) => unknown;

/** Argument metadata as Nest's `PipesConsumer` hands it to pipes. */
interface PipeMetadata {
  metatype: unknown;
  type: string;
  data: unknown;
  schema?: unknown;
}

/** One decorated parameter: where it goes, how it is read, and the pipes it passes through. */
interface LeanParam {
  index: number;
  extractValue: (...args: unknown[]) => unknown;
  metadata: PipeMetadata;
  pipes: PipeTransform[];
}

const paramsTokens = new ParamsTokenFactory();
const ignore = () => undefined;

/**
 * The handler `ExternalContextCreator.create` would build for a method that no guard and no
 * interceptor applies to, without the machinery those need: the same parameters, pipes
 * (`PipesConsumer`, global, class, method and parameter pipes in Nest's order; `ValidationPipe`
 * compiled per DTO, see `compileValidationPipe`) and exception filters
 * (`ExternalExceptionsHandler`), and an Observable result read to its last value, but with no
 * promise hop where nothing is asynchronous: a handler whose parameters and pipes are all
 * synchronous returns its result synchronously. Returns null when guards or interceptors apply:
 * Nest's own handler serves those (see `ChannelContextCreator`).
 */
export function createLeanHandler(
  ecc: ExternalContextCreator,
  lookup: EnhancerLookup,
  paramsFactory: ParamsFactory,
  instance: object,
  methodName: string,
  host: HandlerHost,
  options: HandlerOptions & { compileValidationPipes: boolean },
): ChannelHandlerFn | null {
  const callback = (instance as Record<string, Method>)[methodName]!;
  const enhancers = lookup.enhancers(instance, callback, host, options);
  if (!enhancers) return null;
  const { argsLength, paramtypes, getParamsMetadata } = ecc.getMetadata(instance, methodName, ROUTE_ARGS_METADATA, paramsFactory, CHANNELS_CONTEXT_TYPE);
  const params: LeanParam[] = (getParamsMetadata(host.moduleKey, STATIC_CONTEXT, host.inquirerId) ?? []).map((param) => {
    const metadata: PipeMetadata = {
      metatype: paramtypes?.[param.index],
      type: paramsTokens.exchangeEnumForString(param.type as never),
      data: param.data,
      schema: (param as { schema?: unknown }).schema,
    };
    const pipes = enhancers.pipes.concat(param.pipes);
    const compiled = options.compileValidationPipes ? pipes.map((pipe) => compileValidationPipe(pipe, metadata as ArgumentMetadata)) : pipes;
    return { index: param.index, extractValue: param.extractValue, metadata, pipes: compiled };
  });
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
    if (isThenable(result)) return Promise.resolve(result).then(readObservable).catch((error: unknown) => failed(error, args));
    return result;
  };

  /** The method on resolved arguments: its result settled, a throw to the filters. */
  const run = (resolved: unknown[], args: unknown[]): unknown => {
    let result: unknown;
    try {
      result = callback.apply(instance, resolved);
    } catch (error) {
      return failed(error, args);
    }
    return settle(result, args);
  };
  // No decorated parameter: the method gets the handler arguments as they are, as from Nest.
  if (params.length === 0) return (...args: unknown[]) => run(args, args);
  return (...args: unknown[]) => {
    let resolved: unknown[] | Promise<unknown[]>;
    try {
      resolved = resolveArguments(params, argsLength, args);
    } catch (error) {
      return failed(error, args);
    }
    if (resolved instanceof Promise) return resolved.then((values) => run(values, args), (error: unknown) => failed(error, args));
    return run(resolved, args);
  };
}

/** A promise resolving to an Observable resolves, in Nest, to the Observable's last value. */
function readObservable(value: unknown): unknown {
  return isObservable(value) ? lastValueFrom(value) : value;
}

/**
 * The arguments, as Nest's `ExternalContextCreator` resolves them: each parameter read, a promised
 * value (a custom decorator's) awaited, then through its pipes in order, every parameter at once.
 * Unlike Nest's, it waits only where a value or a pipe's result is a promise.
 */
function resolveArguments(params: LeanParam[], argsLength: number, args: unknown[]): unknown[] | Promise<unknown[]> {
  const resolved = new Array<unknown>(argsLength).fill(undefined);
  let pending: Array<Promise<unknown>> | null = null;
  try {
    for (const param of params) {
      const value = param.extractValue(...args);
      const piped = isThenable(value) ? Promise.resolve(value).then((awaited) => applyPipes(awaited, param, 0)) : applyPipes(value, param, 0);
      if (isThenable(piped)) (pending ??= []).push(Promise.resolve(piped).then((final) => (resolved[param.index] = final)));
      else resolved[param.index] = piped;
    }
  } catch (error) {
    // The first failure wins, as in Nest's `Promise.all`; the others must not go unhandled.
    for (const promise of pending ?? []) promise.catch(ignore);
    throw error;
  }
  if (!pending) return resolved;
  return (pending.length === 1 ? pending[0]! : Promise.all(pending)).then(() => resolved);
}

/** `param`'s pipes from the `from`-th on, in order, as Nest's `PipesConsumer` applies them. */
function applyPipes(value: unknown, param: LeanParam, from: number): unknown {
  if (from >= param.pipes.length) return value;
  // A fresh object per call, shared by its pipes, as Nest's `PipesConsumer` makes it.
  const metadata = { ...param.metadata } as never;
  for (let i = from; i < param.pipes.length; i++) {
    const result = param.pipes[i]!.transform(value, metadata);
    if (isThenable(result)) return Promise.resolve(result).then((transformed) => applyPipes(transformed, param, i + 1));
    value = result;
  }
  return value;
}
