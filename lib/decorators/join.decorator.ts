import { SetMetadata } from '@nestjs/common';
import { JOIN_METADATA } from '../constants.js';

/**
 * The join handler (Phoenix's `join/3`). Its return value is the ok reply's response; a thrown
 * `ChannelException` is the error reply; a guard that refuses is `{"reason": "unauthorized"}`.
 * Pushes made while joining are sent right after the join reply.
 * @publicApi
 */
export const Join = (): MethodDecorator => SetMetadata(JOIN_METADATA, true);
