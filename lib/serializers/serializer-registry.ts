import type { Serializer, SerializerVersion } from './serializer.interface.js';
import { V1JsonSerializer } from './v1-json.serializer.js';
import { V2JsonSerializer } from './v2-json.serializer.js';

/** The serializer of every supported version; stateless, so one instance each serves all sockets. */
export const SERIALIZERS: Readonly<Record<SerializerVersion, Serializer>> = {
  '1.0.0': new V1JsonSerializer(),
  '2.0.0': new V2JsonSerializer(),
};

export const SUPPORTED_SERIALIZER_VERSIONS = Object.keys(SERIALIZERS) as SerializerVersion[];

/**
 * Picks the serializer for a client's `vsn`: missing means 1.0.0, `1.0.x` and `2.0.x` select
 * their version (as Phoenix does), anything else — or a version the app switched off — is null.
 */
export function selectSerializer(vsn: unknown, accepted: readonly SerializerVersion[]): Serializer | null {
  if (vsn === undefined) vsn = '1.0.0';
  if (typeof vsn !== 'string') return null;
  const match = /^([12])\.0\.\d+$/.exec(vsn);
  if (!match) return null;
  const version: SerializerVersion = match[1] === '1' ? '1.0.0' : '2.0.0';
  return accepted.includes(version) ? SERIALIZERS[version] : null;
}
