/** Injection token of the `PubSubAdapter` in use. @publicApi */
export const PUBSUB_ADAPTER = Symbol('nestjs-channels:pubsub-adapter');
/** Injection token of the resolved module options. */
export const RESOLVED_OPTIONS = Symbol('nestjs-channels:resolved-options');
