import { createRequire } from 'node:module';

/**
 * The page's recovery helper, `nestjs-channels/client`: one dependency-free ES module that the
 * app serves as it is (like the phoenix client), from the package's build (`npm start` builds it).
 * A provider so that tests running the sources can serve their own build of it.
 */
export const CLIENT_SCRIPT = Symbol('CLIENT_SCRIPT');

/** Where the helper's ES module is, read when the page asks for it. */
export type ClientScript = () => string;

export const builtClientScript: ClientScript = () => createRequire(import.meta.url).resolve('nestjs-channels/client');
