import { UseGuards } from '@nestjs/common';
import { Channel, Join, TopicOwnerGuard } from 'nestjs-channels';

/** `user:<name>`: only `<name>` may join (anyone else gets `{"reason": "unauthorized"}`). It carries `mention`. */
@Channel('user:*')
export class UserChannel {
  @Join()
  @UseGuards(new TopicOwnerGuard({ assign: 'user.id' })) // `<name>` must be the signed-in user's id
  join(): Record<string, never> {
    return {};
  }
}
