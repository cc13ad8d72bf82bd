import { Transform, Type } from 'class-transformer';
import {
  Allow,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Min,
  MinLength,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';

// DTOs covering each kind of class-validator rule and class-transformer decorator, for the
// comparison of a compiled ValidationPipe with Nest's own.

export class Message {
  @IsString()
  body!: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  count?: number;
}

export class WithDefined {
  @IsDefined()
  id!: unknown;
}

export class WithCondition {
  @IsIn(['a', 'b'])
  kind!: string;

  @ValidateIf((object: WithCondition) => object.kind === 'a')
  @IsString()
  aOnly?: string;
}

export class Named {
  @IsString()
  name!: string;
}

export class Aged extends Named {
  @IsInt()
  age!: number;
}

export class WithGroups {
  @IsString({ groups: ['create'] })
  title!: string;

  @IsInt({ always: true })
  n!: number;

  @IsString()
  plain!: string;
}

export class WithEach {
  @IsString({ each: true })
  tags!: string[];
}

export class WithAllow {
  @Allow()
  free!: unknown;

  @IsString()
  body!: string;
}

@ValidatorConstraint({ name: 'sameAs' })
class SameAs implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments) {
    return value === (args.object as Record<string, unknown>)[args.constraints[0] as string];
  }
}

export class WithCustom {
  @IsString()
  password!: string;

  @Validate(SameAs, ['password'])
  confirm!: string;
}

@ValidatorConstraint({ name: 'slow', async: true })
class SlowCheck implements ValidatorConstraintInterface {
  async validate(value: unknown) {
    return value === 'ok';
  }
}

export class WithAsync {
  @Validate(SlowCheck)
  code!: string;
}

/** Returns a promise without being declared async. */
@ValidatorConstraint({ name: 'sneaky' })
class SneakyCheck implements ValidatorConstraintInterface {
  validate(value: unknown) {
    return Promise.resolve(value === 'ok') as unknown as boolean;
  }
}

export class WithUndeclaredAsync {
  @Validate(SneakyCheck)
  code!: string;
}

export class WithNested {
  @ValidateNested()
  @Type(() => Message)
  inner!: Message;
}

export class WithTransform {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @MinLength(2)
  name!: string;
}

export class WithDefault {
  @IsString()
  body: string = 'default';
}

export class WithoutRules {
  body!: string;
}

export const DTOS = [Message, WithDefined, WithCondition, Aged, WithGroups, WithEach, WithAllow, WithCustom, WithAsync, WithUndeclaredAsync, WithNested, WithTransform, WithDefault, WithoutRules];

/** Client payloads as the frame parser hands them over (JSON text, parsed afresh for each run). */
export const PAYLOADS = [
  '{}',
  '{"body":"hi"}',
  '{"body":1}',
  '{"body":"hi","count":3}',
  '{"body":"hi","count":-1}',
  '{"body":"hi","count":null}',
  '{"body":"hi","extra":true}',
  '{"__proto__":{"x":1},"body":"hi"}',
  '{"constructor":"x","body":"hi"}',
  '{"body":"hi","nested":{"prototype":1}}',
  '{"body":"hi","deep":[[[{"a":[1,2]}]]]}',
  '{"id":0}',
  '{"id":null}',
  '{"kind":"a","aOnly":"x"}',
  '{"kind":"a","aOnly":1}',
  '{"kind":"b","aOnly":1}',
  '{"kind":"c"}',
  '{"name":"x","age":3}',
  '{"name":"x","age":"3"}',
  '{"title":"t","n":1,"plain":"p"}',
  '{"title":1,"n":"x","plain":2}',
  '{"n":1,"plain":"p"}',
  '{"tags":["a","b"]}',
  '{"tags":["a",1]}',
  '{"tags":"a"}',
  '{"tags":[]}',
  '{"free":[1,{"a":2}],"body":"x"}',
  '{"password":"p","confirm":"p"}',
  '{"password":"p","confirm":"q"}',
  '{"code":"ok"}',
  '{"code":"no"}',
  '{"inner":{"body":"x"}}',
  '{"inner":{"body":1}}',
  '{"name":"  ab "}',
  '{"name":" a "}',
  '[]',
  '[{"body":"hi"}]',
  '"text"',
  '42',
  'null',
];
