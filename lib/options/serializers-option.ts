import type { Serializer, SerializerVersion } from '../serializers/serializer.interface.js';
import { BUILT_IN_SERIALIZER_VERSIONS, resolveSerializers, versionSeries } from '../serializers/serializer-registry.js';
import { listOf, oneOf, rule, type OptionValidator } from './option-validator.js';

const builtIn = oneOf(BUILT_IN_SERIALIZER_VERSIONS);
const custom = rule<Serializer>('a Serializer (vsn "major.minor.patch", decode, encodeReply, encodeMessage)', (value) => {
  const candidate = value as Partial<Serializer> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.vsn === 'string' &&
    versionSeries(candidate.vsn) !== null &&
    typeof candidate.decode === 'function' &&
    typeof candidate.encodeReply === 'function' &&
    typeof candidate.encodeMessage === 'function'
  );
});
const entries = listOf(
  rule<SerializerVersion | Serializer>(`${builtIn.expected} or ${custom.expected}`, (value) => builtIn.accepts(value) || custom.accepts(value)),
  `a non-empty list of ${builtIn.expected} or Serializer instances`,
  1,
);

/**
 * Checks the `serializers` option and resolves built-in names to their instances. Two entries
 * for one major.minor version would leave the choice to their order: refused.
 */
export function checkSerializers(check: OptionValidator, value: unknown, fix: string): Serializer[] {
  const serializers = resolveSerializers(check.check('serializers', value, entries, fix));
  const seen = new Map<string, number>();
  serializers.forEach((serializer, index) => {
    const series = versionSeries(serializer.vsn)!;
    const first = seen.get(series);
    if (first !== undefined) {
      check.fail(`serializers[${index}]`, `serves ${series}.x, as serializers[${first}] does`, serializer.vsn, 'Keep one serializer per major.minor version: a custom 2.0.0 one replaces "2.0.0".');
    }
    seen.set(series, index);
  });
  return serializers;
}
