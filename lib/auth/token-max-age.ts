/** Rejects a max age that is not a number of seconds >= 0 (`Infinity` allowed), naming the option. */
export function checkMaxAge(option: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new TypeError(`${option} must be a number of seconds >= 0 (or Infinity), got ${String(value)}`);
  }
  return value;
}
