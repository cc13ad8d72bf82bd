import type { ClassValidatorLike, ConstraintMetadataLike, ValidationMetadataLike } from './validation-packages.js';

// class-validator's metadata types (`ValidationTypes`).
const CUSTOM_VALIDATION = 'customValidation';
const CONDITIONAL_VALIDATION = 'conditionalValidation';
const IS_DEFINED = 'isDefined';
const WHITELIST = 'whitelistValidation';
const SUPPORTED_TYPES = new Set([CUSTOM_VALIDATION, CONDITIONAL_VALIDATION, IS_DEFINED, WHITELIST]);

/** The class-validator options of a `ValidationPipe` that decide which rules run, and how. */
export interface RuleOptions {
  always?: boolean;
  strictGroups?: boolean;
  groups?: string[];
  whitelist?: boolean;
  forbidNonWhitelisted?: boolean;
  skipMissingProperties?: boolean;
  skipNullProperties?: boolean;
  skipUndefinedProperties?: boolean;
}

interface PropertyRules {
  name: string;
  conditions: ValidationMetadataLike[];
  defined: ValidationMetadataLike[];
  custom: ValidationMetadataLike[];
}

type Storage = ReturnType<ClassValidatorLike['getMetadataStorage']>;

/**
 * A DTO class's class-validator rules, looked up and grouped by property once, as class-validator's
 * `ValidationExecutor` does on every call. `passes` runs the same constraint instances with the
 * same arguments in the same order, but only answers whether every one passed: a value that fails,
 * or whose validation turns out asynchronous, goes to `ValidationPipe` itself for its error.
 */
export class DtoRules {
  private constructor(
    private readonly storage: Storage,
    private readonly properties: PropertyRules[],
    private readonly allowed: Record<string, ValidationMetadataLike[]>,
    private readonly options: RuleOptions,
  ) {}

  /**
   * The rules of `metatype`, or null when it has none (class-validator's "unknown value" case) or
   * uses what this does not run: nested validation, promises, constraints declared async.
   */
  static compile(validator: ClassValidatorLike, metatype: Function, options: RuleOptions): DtoRules | null {
    const storage = validator.getMetadataStorage();
    const metadatas = storage.getTargetValidationMetadatas(metatype, undefined, options.always ?? false, options.strictGroups ?? false, options.groups);
    if (metadatas.length === 0) return null;
    for (const metadata of metadatas) {
      if (!SUPPORTED_TYPES.has(metadata.type)) return null;
      if (storage.getTargetValidatorConstraints(metadata.constraintCls).some((constraint) => constraint.async)) return null;
    }
    const grouped = storage.groupByPropertyName(metadatas);
    const properties = Object.entries(grouped).map(([name, rules]) => ({
      name,
      conditions: rules.filter((rule) => rule.type === CONDITIONAL_VALIDATION),
      defined: rules.filter((rule) => rule.type === IS_DEFINED),
      custom: rules.filter((rule) => rule.type === CUSTOM_VALIDATION),
    }));
    return new DtoRules(storage, properties, grouped, options);
  }

  /**
   * Whether `entity` (class-transformer's instance of the DTO) passes every rule. With
   * `whitelist`, the properties without rules are deleted first, as class-validator does.
   */
  passes(entity: Record<string, unknown>): boolean {
    if (this.options.whitelist && !this.applyWhitelist(entity)) return false;
    for (const property of this.properties) {
      const value = entity[property.name];
      // Every condition is asked, as class-validator asks them, before their answers are combined.
      let applies = true;
      for (const condition of property.conditions) applies = (condition.constraints[0] as (object: object, value: unknown) => boolean)(entity, value) && applies;
      if (!applies) continue;
      if (!this.check(entity, value, property.defined)) return false;
      if (value === undefined && this.options.skipUndefinedProperties) continue;
      if (value === null && this.options.skipNullProperties) continue;
      if ((value === null || value === undefined) && this.options.skipMissingProperties) continue;
      if (!this.check(entity, value, property.custom)) return false;
    }
    return true;
  }

  private applyWhitelist(entity: Record<string, unknown>): boolean {
    for (const key of Object.keys(entity)) {
      if (this.allowed[key]?.length) continue;
      if (this.options.forbidNonWhitelisted) return false;
      delete entity[key];
    }
    return true;
  }

  private check(entity: Record<string, unknown>, value: unknown, rules: ValidationMetadataLike[]): boolean {
    for (const rule of rules) {
      if (rule.validateIf && !rule.validateIf(entity, value)) continue;
      for (const constraint of this.storage.getTargetValidatorConstraints(rule.constraintCls)) {
        const args = {
          targetName: entity.constructor ? entity.constructor.name : undefined,
          property: rule.propertyName,
          object: entity,
          value,
          constraints: rule.constraints,
        };
        if (!passesConstraint(constraint, rule, value, args)) return false;
      }
    }
    return true;
  }
}

/** One constraint on a value (each item of it, for an `each` rule on an array, Set or Map), as class-validator applies it. */
function passesConstraint(constraint: ConstraintMetadataLike, rule: ValidationMetadataLike, value: unknown, args: object): boolean {
  const instance = constraint.instance;
  if (!rule.each || !(Array.isArray(value) || value instanceof Set || value instanceof Map)) {
    const answer = instance.validate(value, args);
    return isPromise(answer) ? pending([answer]) : Boolean(answer);
  }
  const items: unknown[] = value instanceof Map ? Array.from(value.values()) : Array.isArray(value) ? value : Array.from(value);
  const answers = items.map((item) => instance.validate(item, args));
  return answers.some(isPromise) ? pending(answers) : answers.every(Boolean);
}

/** class-validator's test for an asynchronous answer. */
function isPromise(answer: unknown): answer is Promise<unknown> {
  return answer !== null && typeof answer === 'object' && typeof (answer as { then?: unknown }).then === 'function';
}

/** A promised answer (from a constraint not declared async) is left to `ValidationPipe`, which awaits it: not a pass here. */
function pending(answers: unknown[]): false {
  for (const answer of answers) if (isPromise(answer)) answer.then(undefined, () => undefined);
  return false;
}
