// How the repository's TypeScript runs without a build step, in jest and in the child-process
// nodes of the multi-node tests: SWC strips types and keeps legacy decorators with their
// design-time metadata (Nest's dependency injection reads it), emitting ES modules.
export const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};
