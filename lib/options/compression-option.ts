import type { CompressionOptions } from '../interfaces/channels-options.interface.js';
import { describeValue } from './describe-value.js';
import { anObject, integerAtLeast, positiveInteger, rule, type OptionValidator } from './option-validator.js';

/** ws's own threshold: below about 1 KB, deflate saves a few bytes and costs as much as a large message. */
export const COMPRESSION_DEFAULTS: Required<CompressionOptions> = { thresholdBytes: 1024, level: 6 };

const compressionOption = rule<boolean | CompressionOptions>('a boolean or { thresholdBytes, level }', (value) => typeof value === 'boolean' || anObject.accepts(value));
const zlibLevel = rule<number>('an integer from 1 to 9', (value) => integerAtLeast(1).accepts(value) && (value as number) <= 9);

/** `compression` with its defaults applied, or `false`; `check` is the module's validator. */
export function resolveCompressionOption(value: unknown, check: OptionValidator): Required<CompressionOptions> | false {
  const option = check.check('compression', value, compressionOption, `Leave it out (or false) to turn it off; true for the defaults, ${describeValue(COMPRESSION_DEFAULTS)}.`);
  if (option === false) return false;
  if (option === true) return { ...COMPRESSION_DEFAULTS };
  const nested = check.at('compression');
  nested.knownKeys('', option, Object.keys(COMPRESSION_DEFAULTS));
  const resolved = { ...COMPRESSION_DEFAULTS, ...Object.fromEntries(Object.entries(option).filter(([, entry]) => entry !== undefined)) };
  nested.check('thresholdBytes', resolved.thresholdBytes, positiveInteger, `Leave it out for the default, ${COMPRESSION_DEFAULTS.thresholdBytes}.`);
  nested.check('level', resolved.level, zlibLevel, `Leave it out for zlib's default, ${COMPRESSION_DEFAULTS.level}.`);
  return resolved;
}
