/**
 * The parts of class-validator and class-transformer that a compiled `ValidationPipe` uses, typed
 * here so that neither package is needed to build or load nestjs-channels (both are optional peers).
 */
export interface ValidationMetadataLike {
  type: string;
  target: unknown;
  propertyName: string;
  constraints: unknown[];
  constraintCls: unknown;
  each?: boolean;
  validateIf?: (object: object, value: unknown) => boolean;
}

export interface ConstraintMetadataLike {
  async: boolean;
  readonly instance: { validate(value: unknown, args: object): unknown };
}

export interface ClassValidatorLike {
  getMetadataStorage(): {
    getTargetValidationMetadatas(target: unknown, schema: string | undefined, always: boolean, strictGroups: boolean, groups?: string[]): ValidationMetadataLike[];
    groupByPropertyName(metadatas: ValidationMetadataLike[]): Record<string, ValidationMetadataLike[]>;
    getTargetValidatorConstraints(target: unknown): ConstraintMetadataLike[];
  };
}

export interface ClassTransformerLike {
  plainToInstance(type: unknown, plain: unknown, options?: unknown): unknown;
  classToPlain(object: unknown, options?: unknown): unknown;
}

export interface ValidationPackages {
  validator: ClassValidatorLike;
  transformer: ClassTransformerLike;
}

let loading: Promise<ValidationPackages | null> | undefined;
/** The packages once loaded (null: missing); undefined while they load. */
let loaded: ValidationPackages | null | undefined;

/**
 * class-validator and class-transformer as the app's `ValidationPipe` loads them (by name, from
 * the app's dependencies), or null when either is missing: then pipes run unchanged.
 */
export function loadValidationPackages(): Promise<ValidationPackages | null> {
  loading ??= Promise.all([import('class-validator'), import('class-transformer')]).then(
    ([validator, transformer]) => (loaded = { validator: validator as unknown as ClassValidatorLike, transformer: transformer as unknown as ClassTransformerLike }),
    () => (loaded = null),
  );
  return loading;
}

/** The packages if `loadValidationPackages` has loaded them; null if missing, undefined while loading. */
export function loadedValidationPackages(): ValidationPackages | null | undefined {
  return loaded;
}
