import type * as PromClient from 'prom-client';

/** The metrics, by their name without prefix; labels are bounded (channel = route pattern, never a topic). */
export function defineMetrics(prom: typeof PromClient, prefix: string, registers: PromClient.Registry[], buckets: number[] | undefined) {
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new prom.Gauge<L>({ name: prefix + name, help, labelNames, registers });
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new prom.Counter<L>({ name: prefix + name, help, labelNames, registers });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new prom.Histogram<L>({ name: prefix + name, help, labelNames, registers, ...(buckets ? { buckets } : {}) });
  return {
    sockets: gauge('sockets', 'Open sockets on this node', ['transport']),
    joinedChannels: gauge('joined_channels', 'Joined channels on this node, by channel route pattern', ['channel']),
    topics: gauge('topics', 'Topics with joined channels on this node'),
    presences: gauge('presences', 'Presences tracked by this node'),
    pubsubUp: gauge('pubsub_up', 'Whether the PubSub link to the other nodes is up (1) or not (0); 1 with the in-memory adapter'),
    socketConnects: counter('socket_connects_total', 'Connection attempts: accepted, refused (by the socket handler or a check before it), or errored', ['transport', 'result']),
    socketDisconnects: counter('socket_disconnects_total', 'Connections ended, by reason', ['transport', 'reason']),
    joins: counter('joins_total', 'Channel joins, by channel route pattern and result', ['channel', 'result']),
    messagesIn: counter('messages_in_total', 'Client messages handled by a @HandleIn', ['channel']),
    messagesOut: counter('messages_out_total', 'Frames sent to clients, by kind (push, reply, broadcast)', ['transport', 'kind']),
    bytesIn: counter('bytes_in_total', 'Bytes of the frames received from clients', ['transport']),
    bytesOut: counter('bytes_out_total', 'Bytes of the frames sent to clients', ['transport']),
    handlerCrashes: counter('handler_crashes_total', 'Channel handlers that crashed their channel', ['channel']),
    recoveries: counter('recoveries_total', 'Joins with since on history topics, by whether they recovered what was missed', ['channel', 'outcome']),
    pubsubPublished: counter('pubsub_published_total', 'Broadcasts handed to the PubSub adapter for the other nodes'),
    pubsubReceived: counter('pubsub_received_total', 'Broadcasts received from other nodes'),
    pubsubDropped: counter('pubsub_dropped_total', 'Broadcasts that never reached the other nodes'),
    pubsubMissed: counter('pubsub_missed_total', 'Broadcasts of other nodes found missing here'),
    joinDuration: histogram('join_duration_seconds', 'Duration of channel joins (the @Join handler and the reply)', ['channel']),
    handleInDuration: histogram('handle_in_duration_seconds', 'Duration of @HandleIn handlers', ['channel']),
    broadcastDuration: histogram('broadcast_duration_seconds', "Time to encode a broadcast and write it to this node's joined channels"),
  };
}

export type ChannelsMetricSet = ReturnType<typeof defineMetrics>;
