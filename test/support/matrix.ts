import type { ChannelsModuleOptions, TransportName } from '../../lib/index.js';
import { LONGPOLL_SESSION_GONE } from './message-log.js';
import type { Vsn } from './phoenix-client.js';
import type { Platform } from './test-app.js';

/** One combination the conformance suite runs against. */
export interface Target {
  platform: Platform;
  vsn: Vsn;
  /** How the phoenix client connects: WebSocket, or its LongPoll transport. */
  transport: TransportName;
}

export const SERIALIZER_VERSIONS: readonly Vsn[] = ['1.0.0', '2.0.0'];
export const PLATFORMS: readonly Platform[] = ['express', 'fastify'];

/** Every platform with every serializer version, over WebSocket. */
export const WEBSOCKET_TARGETS: readonly Target[] = PLATFORMS.flatMap((platform) =>
  SERIALIZER_VERSIONS.map((vsn) => ({ platform, vsn, transport: 'websocket' as const })),
);

/**
 * Long-poll with every serializer version on express, and on fastify with the newest: the
 * platform and the wire version do not meet over long-poll (the transport answers the HTTP
 * server's requests below either platform), and the whole matrix would take the suite past its
 * time budget.
 */
export const LONGPOLL_TARGETS: readonly Target[] = [
  ...SERIALIZER_VERSIONS.map((vsn) => ({ platform: 'express' as const, vsn, transport: 'longpoll' as const })),
  { platform: 'fastify', vsn: '2.0.0', transport: 'longpoll' },
];

/** Every target, over both transports. */
export const ALL_TARGETS: readonly Target[] = [...WEBSOCKET_TARGETS, ...LONGPOLL_TARGETS];

/** Targets whose serializer carries binary payloads (2.0.0 only). */
export const BINARY_TARGETS: readonly Target[] = ALL_TARGETS.filter((target) => target.vsn === '2.0.0');

/** How long a long-poll waits for messages: short, so that sessions whose client left end quickly. */
export const LONGPOLL_WINDOW_MS = 500;

/**
 * The channels options of an app under test: both transports served, whichever one the target
 * uses, so each is proven next to the other.
 */
export function servingBothTransports(channels: ChannelsModuleOptions = {}): ChannelsModuleOptions {
  return {
    transports: ['websocket', 'longpoll'],
    ...channels,
    longpoll: { windowMs: LONGPOLL_WINDOW_MS, ...channels.longpoll },
  };
}

/**
 * The close code a client sees when the server closes its connection with `code`. Long-poll
 * carries no close code: the client learns that its session is gone (410) and reports 3410.
 */
export function closeCodeSeen(transport: TransportName, code: number): number {
  return transport === 'longpoll' ? LONGPOLL_SESSION_GONE : code;
}

/**
 * Runs the same cases once per target, so a behaviour is proven for every platform, wire
 * version and transport rather than for whichever the test author had in mind.
 */
export function describeEachTarget(title: string, cases: (target: Target) => void, targets = ALL_TARGETS): void {
  describe.each(targets.map((target) => [`${target.platform}, ${target.transport}, vsn ${target.vsn}`, target] as const))(
    `${title} (%s)`,
    (_label, target) => cases(target),
  );
}
