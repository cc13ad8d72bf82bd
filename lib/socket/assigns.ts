/** Assigns a socket carries: the app's own data, typed by the app (`Socket<{ user: User }>`). */
export type Assigns = object;

/** `assign(key, value)` or `assign({ ... })` on `assigns`, as both kinds of socket offer it. */
export function assignInto(assigns: object, keyOrValues: PropertyKey | object, value?: unknown): void {
  if (typeof keyOrValues === 'object' && keyOrValues !== null) Object.assign(assigns, keyOrValues);
  else (assigns as Record<PropertyKey, unknown>)[keyOrValues as PropertyKey] = value;
}
