import { ChannelsError } from '../errors/channels.error.js';

/**
 * Imports an optional peer dependency on first use (`prom-client`, `@opentelemetry/api`), so that
 * apps that do not use the feature never load, or install, it.
 */
export async function loadOptionalPeer<T>(name: string, feature: string): Promise<T> {
  let loaded: T & { default?: T };
  try {
    loaded = (await import(name)) as T & { default?: T };
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') {
      throw new ChannelsError(
        'CHANNELS_ERR_OPTIONAL_PEER_MISSING',
        `${feature} needs the "${name}" package, which is not installed: npm install ${name}`,
        { cause: error },
      );
    }
    throw error;
  }
  return loaded;
}
