import type { Vsn } from './phoenix-client.js';
import type { Platform } from './test-app.js';

/** One combination the conformance suite runs against. */
export interface Target {
  platform: Platform;
  vsn: Vsn;
}

export const SERIALIZER_VERSIONS: readonly Vsn[] = ['1.0.0', '2.0.0'];
export const PLATFORMS: readonly Platform[] = ['express', 'fastify'];

/** Every platform with every serializer version. */
export const ALL_TARGETS: readonly Target[] = PLATFORMS.flatMap((platform) =>
  SERIALIZER_VERSIONS.map((vsn) => ({ platform, vsn })),
);

/** Targets whose serializer carries binary payloads (2.0.0 only). */
export const BINARY_TARGETS: readonly Target[] = ALL_TARGETS.filter((target) => target.vsn === '2.0.0');

/**
 * Runs the same cases once per target, so a behaviour is proven for every platform and wire
 * version rather than for whichever the test author had in mind.
 */
export function describeEachTarget(title: string, cases: (target: Target) => void, targets = ALL_TARGETS): void {
  describe.each(targets.map((target) => [`${target.platform}, vsn ${target.vsn}`, target] as const))(
    `${title} (%s)`,
    (_label, target) => cases(target),
  );
}
