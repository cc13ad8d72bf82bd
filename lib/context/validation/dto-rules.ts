import { isThenable } from '../../socket/thenable.js';
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

/** A rule with the constraints class-validator registered for it (one, but for `@Validate` classes). */
interface Rule {
  metadata: ValidationMetadataLike;
  constraints: ConstraintMetadataLike[];
}

interface PropertyRules {
  name: string;
  conditions: ValidationMetadataLike[];
  defined: Rule[];
  custom: Rule[];
}

/**
 * A DTO class's class-validator rules, looked up and grouped by property once, as class-validator's
 * `ValidationExecutor` does on every call. `passes` runs the same constraint instances with the
 * same arguments in the same order, but only answers whether every one passed: a value that fails,
 * or whose validation turns out asynchronous, goes to `ValidationPipe` itself for its error.
 */
export class DtoRules {
  private constructor(
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
    const constraints = new Map(metadatas.map((metadata) => [metadata, storage.getTargetValidatorConstraints(metadata.constraintCls)]));
    for (const [metadata, ofMetadata] of constraints) {
      if (!SUPPORTED_TYPES.has(metadata.type) || ofMetadata.some((constraint) => constraint.async)) return null;
    }
    const rulesOfType = (all: ValidationMetadataLike[], type: string): Rule[] =>
      all.filter((metadata) => metadata.type === type).map((metadata) => ({ metadata, constraints: constraints.get(metadata)! }));
    const grouped = storage.groupByPropertyName(metadatas);
    const properties = Object.entries(grouped).map(([name, all]) => ({
      name,
      conditions: all.filter((metadata) => metadata.type === CONDITIONAL_VALIDATION),
      defined: rulesOfType(all, IS_DEFINED),
      custom: rulesOfType(all, CUSTOM_VALIDATION),
    }));
    return new DtoRules(properties, grouped, options);
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

  private check(entity: Record<string, unknown>, value: unknown, rules: Rule[]): boolean {
    for (const { metadata, constraints } of rules) {
      if (metadata.validateIf && !metadata.validateIf(entity, value)) continue;
      for (const constraint of constraints) {
        const args = {
          targetName: entity.constructor ? entity.constructor.name : undefined,
          property: metadata.propertyName,
          object: entity,
          value,
          constraints: metadata.constraints,
        };
        if (!passesConstraint(constraint, metadata, value, args)) return false;
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
    return isThenable(answer) ? pending([answer]) : Boolean(answer);
  }
  const items: unknown[] = value instanceof Map ? Array.from(value.values()) : Array.isArray(value) ? value : Array.from(value);
  const answers = items.map((item) => instance.validate(item, args));
  return answers.some(isThenable) ? pending(answers) : answers.every(Boolean);
}

/** A promised answer (from a constraint not declared async) is left to `ValidationPipe`, which awaits it: not a pass here. */
function pending(answers: unknown[]): false {
  for (const answer of answers) if (isThenable(answer)) Promise.resolve(answer).catch(() => undefined);
  return false;
}
