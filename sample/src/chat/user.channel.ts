import { UseGuards } from '@nestjs/common';
import { Channel, Join } from 'nestjs-channels';
import { SameUserGuard } from './same-user.guard.js';

/** `user:<name>`: only `<name>` may join (anyone else gets `{"reason": "unauthorized"}`). */
@Channel('user:*')
export class UserChannel {
  @Join()
  @UseGuards(SameUserGuard)
  join(): Record<string, never> {
    return {};
  }
}
