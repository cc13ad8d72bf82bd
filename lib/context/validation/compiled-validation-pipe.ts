import { type ArgumentMetadata, type PipeTransform, ValidationPipe } from '@nestjs/common';
import { DtoRules, type RuleOptions } from './dto-rules.js';
import { isPlainJsonObject } from './plain-json.js';
import { loadValidationPackages, loadedValidationPackages, type ValidationPackages } from './validation-packages.js';

/** The options of `ValidationPipe` (its `validatorOptions`) that `DtoRules` applies. */
const RULE_OPTIONS = new Set<string>(['always', 'strictGroups', 'groups', 'whitelist', 'forbidNonWhitelisted', 'skipMissingProperties', 'skipNullProperties', 'skipUndefinedProperties']);
/** Options that only shape errors, or the case of a class without rules; the pipe itself handles both. */
const ERROR_OPTIONS = new Set<string>(['forbidUnknownValues', 'validationError', 'stopAtFirstError', 'dismissDefaultMessages', 'enableDebugMessages']);
/** Deeper than any payload a transport accepts (`maxPayloadDepth`); a deeper value goes to the pipe. */
const MAX_DEPTH = 64;

/** The protected state of Nest's `ValidationPipe` that decides what it returns for a valid value. */
interface ValidationPipeState {
  isTransformEnabled: boolean;
  validatorOptions: Record<string, unknown>;
  transformOptions: unknown;
  expectedType: unknown;
  toValidate(metadata: ArgumentMetadata): boolean;
}

/** A compiled pipe's work on the fast path, once the packages are loaded and the DTO's rules read. */
interface Plan {
  packages: ValidationPackages;
  rules: DtoRules;
}

/**
 * `pipe` as it will run on the parameter described by `metadata`: a `ValidationPipe` with the
 * options it has out of the box or the common ones (see `DtoRules`) comes back compiled for the
 * parameter's DTO; any other pipe comes back as it is.
 */
export function compileValidationPipe(pipe: PipeTransform, metadata: ArgumentMetadata): PipeTransform {
  const state = validationPipeState(pipe);
  if (!state) return pipe;
  const metatype = state.expectedType ?? metadata.metatype;
  if (typeof metatype !== 'function' || !state.toValidate({ ...metadata, metatype: metatype as ArgumentMetadata['metatype'] })) return pipe;
  const options = Object.keys(state.validatorOptions);
  if (!options.every((name) => RULE_OPTIONS.has(name) || ERROR_OPTIONS.has(name))) return pipe;
  return new CompiledValidationPipe(pipe, state, metatype);
}

/** The state of an instance of Nest's own `ValidationPipe`, untouched; null for any other pipe. */
function validationPipeState(pipe: PipeTransform): ValidationPipeState | null {
  if (Object.getPrototypeOf(pipe) !== ValidationPipe.prototype) return null;
  // A method replaced on the instance would change what the pipe does.
  if (Object.keys(pipe).some((name) => name in ValidationPipe.prototype)) return null;
  const state = pipe as unknown as ValidationPipeState;
  const readable = typeof state.isTransformEnabled === 'boolean' && typeof state.validatorOptions === 'object' && state.validatorOptions !== null && 'transformOptions' in state && 'expectedType' in state && typeof state.toValidate === 'function';
  return readable ? state : null;
}

/**
 * Nest's `ValidationPipe`, with the per-value work that depends only on the DTO class done once.
 * On every call `ValidationPipe` looks up and groups the class's class-validator rules, filters
 * them by kind, walks the value to strip prototype keys, and goes through three promises. For a
 * value that `JSON.parse` could have made (nothing to strip), this runs the same class-transformer
 * call and the same constraints with the same arguments on the rules grouped once, synchronously,
 * and returns what the pipe would. A value it is not sure of (anything else, or one that fails a
 * rule) goes to the pipe itself, so every error is the pipe's own. No library offers this: class-
 * validator has no way to reuse a class's grouped rules from one call to the next.
 */
class CompiledValidationPipe implements PipeTransform {
  /** undefined until compiled; null when the DTO's rules are not all ones `DtoRules` runs. */
  private plan: Plan | null | undefined;
  private readonly plainResult: boolean;

  constructor(
    private readonly pipe: PipeTransform,
    private readonly state: ValidationPipeState,
    private readonly metatype: Function,
  ) {
    // Without a transform, a pipe with options beyond its default `forbidUnknownValues` returns the instance made plain again.
    this.plainResult = !state.isTransformEnabled && Object.keys(state.validatorOptions).length > 1;
    void loadValidationPackages();
  }

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const plan = this.plan === undefined ? this.compile() : this.plan;
    if (plan && isPlainJsonObject(value, MAX_DEPTH)) {
      const { transformer } = plan.packages;
      const entity = transformer.plainToInstance(this.metatype, value, this.state.transformOptions) as Record<string, unknown>;
      if (entity.constructor === this.metatype && plan.rules.passes(entity)) {
        if (this.state.isTransformEnabled) return entity;
        return this.plainResult ? transformer.classToPlain(entity, this.state.transformOptions) : value;
      }
    }
    return this.pipe.transform(value, metadata);
  }

  private compile(): Plan | null | undefined {
    const packages = loadedValidationPackages();
    // Until the packages have loaded, values go to the pipe; without them, they always will.
    if (packages === undefined) return undefined;
    const rules = packages && DtoRules.compile(packages.validator, this.metatype, this.state.validatorOptions as RuleOptions);
    this.plan = rules && { packages, rules };
    return this.plan;
  }
}
