import { assignMetadata, type PipeTransform, type Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import type { ChannelParamtype } from '../context/channel-paramtype.enum.js';

type Pipe = PipeTransform | Type<PipeTransform>;

/**
 * Records a handler parameter under Nest's route-arguments key, the key `ExternalContextCreator`
 * reads, so Nest's own `createParamDecorator()` decorators mix freely with these.
 */
export function createChannelParamDecorator(paramtype: ChannelParamtype) {
  return (dataOrPipe?: string | Pipe, ...pipes: Pipe[]): ParameterDecorator =>
    (target, key, index) => {
      const data = typeof dataOrPipe === 'string' ? dataOrPipe : undefined;
      const allPipes = dataOrPipe === undefined || typeof dataOrPipe === 'string' ? pipes : [dataOrPipe, ...pipes];
      const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, target.constructor, key!) ?? {};
      Reflect.defineMetadata(
        ROUTE_ARGS_METADATA,
        assignMetadata(args, paramtype, index, data, ...allPipes),
        target.constructor,
        key!,
      );
    };
}
