import diagnosticsChannel from 'node:diagnostics_channel';
import { ChannelsEvents } from './events.js';

/**
 * The channel objects the library publishes on, made once. Publishers check `hasSubscribers`
 * before building a payload, so an app nobody observes pays one property read per event.
 */
export const eventChannels = {
  socketConnect: diagnosticsChannel.tracingChannel(ChannelsEvents.socketConnect),
  socketOpen: diagnosticsChannel.channel(ChannelsEvents.socketOpen),
  socketDisconnect: diagnosticsChannel.channel(ChannelsEvents.socketDisconnect),
  messageIn: diagnosticsChannel.channel(ChannelsEvents.messageIn),
  messageOut: diagnosticsChannel.channel(ChannelsEvents.messageOut),
  channelJoin: diagnosticsChannel.tracingChannel(ChannelsEvents.channelJoin),
  channelHandleIn: diagnosticsChannel.tracingChannel(ChannelsEvents.channelHandleIn),
  channelLeave: diagnosticsChannel.channel(ChannelsEvents.channelLeave),
  channelRecover: diagnosticsChannel.channel(ChannelsEvents.channelRecover),
  channelCrash: diagnosticsChannel.channel(ChannelsEvents.channelCrash),
  broadcast: diagnosticsChannel.tracingChannel(ChannelsEvents.broadcast),
  pubsubPublish: diagnosticsChannel.channel(ChannelsEvents.pubsubPublish),
  pubsubReceive: diagnosticsChannel.channel(ChannelsEvents.pubsubReceive),
  pubsubDrop: diagnosticsChannel.channel(ChannelsEvents.pubsubDrop),
  pubsubMiss: diagnosticsChannel.channel(ChannelsEvents.pubsubMiss),
  pubsubLink: diagnosticsChannel.channel(ChannelsEvents.pubsubLink),
  presenceTrack: diagnosticsChannel.channel(ChannelsEvents.presenceTrack),
  presenceUntrack: diagnosticsChannel.channel(ChannelsEvents.presenceUntrack),
  drain: diagnosticsChannel.tracingChannel(ChannelsEvents.drain),
};

/** The size in bytes of a frame's data, for the message events. */
export function frameBytes(data: string | Buffer): number {
  return typeof data === 'string' ? Buffer.byteLength(data) : data.length;
}
