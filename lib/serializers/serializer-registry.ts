import type { Serializer, SerializerVersion } from './serializer.interface.js';
import { V1JsonSerializer } from './v1-json.serializer.js';
import { V2JsonSerializer } from './v2-json.serializer.js';

/** The built-in serializers; stateless, so one instance each serves all sockets. */
export const BUILT_IN_SERIALIZERS: Readonly<Record<SerializerVersion, Serializer>> = {
  '1.0.0': new V1JsonSerializer(),
  '2.0.0': new V2JsonSerializer(),
};

export const BUILT_IN_SERIALIZER_VERSIONS = Object.keys(BUILT_IN_SERIALIZERS) as SerializerVersion[];

const VERSION = /^(\d+)\.(\d+)\.\d+$/;

/** `2.0` for `2.0.7`: the part of a version that selects a serializer; null when not a version. */
export function versionSeries(vsn: string): string | null {
  const match = VERSION.exec(vsn);
  return match ? `${Number(match[1])}.${Number(match[2])}` : null;
}

/** The serializers an app registered: names of built-in ones become those instances. */
export function resolveSerializers(entries: ReadonlyArray<SerializerVersion | Serializer>): Serializer[] {
  return entries.map((entry) => (typeof entry === 'string' ? BUILT_IN_SERIALIZERS[entry] : entry));
}

/**
 * Picks the serializer for a client's `vsn`: missing means 1.0.0, as Phoenix has it; a version
 * selects the registered serializer of the same major and minor version. Anything else, or a
 * version the app did not register, is null.
 */
export function selectSerializer(vsn: unknown, serializers: readonly Serializer[]): Serializer | null {
  if (vsn === undefined) vsn = '1.0.0';
  if (typeof vsn !== 'string') return null;
  const series = versionSeries(vsn);
  if (series === null) return null;
  return serializers.find((serializer) => versionSeries(serializer.vsn) === series) ?? null;
}
