/**
 * `nestjs-channels/testing`: test channels without a network, through the real socket handler,
 * channel handlers, guards and pipes (Phoenix's `ChannelTest`).
 * @packageDocumentation
 */
export { ChannelsTestHarness, type ConnectParams } from './channels-test-harness.js';
export { TestSocket } from './test-socket.js';
export { TestChannel, type JoinRecovery, type PushExpectation } from './test-channel.js';
export { TopicSubscription } from './topic-subscription.js';
export type { ChannelsTestOptions } from './timeouts.js';
export type { CloseInfo } from './in-process-transport.js';
export type { ReceivedMessage, ReceivedReply } from './wire-codec.js';
export { ChannelAssertionError, ConnectionRefusedError, JoinRefusedError } from './errors.js';
export { matchesPayload } from './match-payload.js';
