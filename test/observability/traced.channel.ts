import { trace } from '@opentelemetry/api';
import { Channel, ChannelException, HandleIn, Join, Payload } from '../../lib/index.js';

/** A channel whose handlers make spans of their own, to see them become children of the library's. */
@Channel('traced:*')
export class TracedChannel {
  @Join()
  join(@Payload() payload: { refuse?: boolean }) {
    if (payload.refuse) throw new ChannelException('refused');
    trace.getTracer('app').startSpan('app.load_room').end();
    return {};
  }

  @HandleIn('save')
  save() {
    trace.getTracer('app').startSpan('app.save').end();
    return { saved: true };
  }

  @HandleIn('explode')
  explode(): never {
    throw new Error('traced explosion');
  }

  @HandleIn()
  anything() {
    return {};
  }
}
