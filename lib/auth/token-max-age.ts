import { rule } from '../options/option-validator.js';

/** A max age: a number of seconds >= 0, `Infinity` for no limit. */
export const maxAgeSeconds = rule<number>(
  'a number of seconds >= 0 (or Infinity)',
  (value) => typeof value === 'number' && !Number.isNaN(value) && value >= 0,
);
