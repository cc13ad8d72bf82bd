import 'reflect-metadata';
import { type ArgumentMetadata, BadRequestException, type PipeTransform, ValidationPipe, type ValidationPipeOptions } from '@nestjs/common';
import { compileValidationPipe } from '../../../lib/context/validation/compiled-validation-pipe.js';
import { loadValidationPackages } from '../../../lib/context/validation/validation-packages.js';
import { DTOS, Message, PAYLOADS, WithNested } from './validation-dtos.js';

const CONFIGS: Array<[string, ValidationPipeOptions | undefined]> = [
  ['out of the box', undefined],
  ['transform', { transform: true }],
  ['whitelist', { whitelist: true }],
  ['whitelist and transform', { whitelist: true, transform: true }],
  ['forbidNonWhitelisted', { whitelist: true, forbidNonWhitelisted: true }],
  ['skipMissingProperties', { skipMissingProperties: true }],
  ['skipNullProperties and skipUndefinedProperties', { skipNullProperties: true, skipUndefinedProperties: true }],
  ['groups', { groups: ['create'] }],
  ['always', { always: true }],
  ['strictGroups', { strictGroups: true }],
  ['stopAtFirstError', { stopAtFirstError: true }],
  ['forbidUnknownValues', { forbidUnknownValues: true }],
  ['implicit conversion', { transform: true, transformOptions: { enableImplicitConversion: true } }],
  ['exposeDefaultValues, no transform', { transformOptions: { exposeDefaultValues: true } }],
  ['exceptionFactory', { exceptionFactory: (errors) => new BadRequestException({ count: errors.length }) }],
  ['disableErrorMessages', { disableErrorMessages: true }],
  ['grouped errors', { errorFormat: 'grouped' }],
  ['expectedType', { expectedType: Message }],
];

/** What a pipe made of a payload: its result (and whether it is the very value passed), or its exception; and the value after. */
async function outcome(pipe: PipeTransform, metadata: ArgumentMetadata, input: unknown) {
  try {
    const result: unknown = await pipe.transform(input, metadata);
    return { result, same: result === input, input };
  } catch (error) {
    return { error: (error as Error).constructor.name, response: (error as { getResponse?(): unknown }).getResponse?.(), input };
  }
}

const metadataFor = (metatype: unknown): ArgumentMetadata => ({ type: 'body', metatype: metatype as ArgumentMetadata['metatype'], data: undefined });

// The app's bootstrap gives them time to load; until then, values go to the pipe itself.
beforeAll(() => loadValidationPackages());

describe('a compiled ValidationPipe gives what Nest\'s own gives', () => {
  test.each(CONFIGS)('%s: every DTO, every payload: the same result, the same exception, the value left the same', async (_name, options) => {
    let answeredAtOnce = 0;
    for (const dto of DTOS) {
      const metadata = metadataFor(dto);
      const pipe = new ValidationPipe(options);
      const compiled = compileValidationPipe(pipe, metadata);
      const inputs: Array<() => unknown> = [...PAYLOADS.map((text) => () => JSON.parse(text) as unknown), () => Buffer.from('{}'), () => undefined];
      for (const input of inputs) {
        const theirs = await outcome(pipe, metadata, input());
        const ours = await outcome(compiled, metadata, input());
        expect({ dto: dto.name, payload: String(JSON.stringify(input())), ...ours }).toStrictEqual({ dto: dto.name, payload: String(JSON.stringify(input())), ...theirs });
        const answer: unknown = compiled.transform(input(), metadata);
        if (answer instanceof Promise) answer.catch(() => undefined);
        else answeredAtOnce++;
      }
    }
    // The comparison above must have covered the compiled path, not only the pipe it falls back on.
    expect(answeredAtOnce).toBeGreaterThan(0);
  });
});

describe('which pipes are compiled', () => {
  const payload = () => ({ body: 'hi' });

  test('a valid payload is answered at once, with what the pipe would return', () => {
    const metadata = metadataFor(Message);
    const plain = compileValidationPipe(new ValidationPipe(), metadata);
    const input = payload();
    expect(plain.transform(input, metadata)).toBe(input);
    const transforming = compileValidationPipe(new ValidationPipe({ transform: true }), metadata).transform(payload(), metadata);
    expect(transforming).toBeInstanceOf(Message);
    expect(transforming).toEqual({ body: 'hi' });
    const whitelisting = compileValidationPipe(new ValidationPipe({ whitelist: true }), metadata).transform({ body: 'hi', extra: 1 }, metadata);
    expect(whitelisting).toEqual({ body: 'hi' });
    expect(whitelisting).not.toBeInstanceOf(Message);
  });

  test('an invalid payload gets the pipe\'s own exception', async () => {
    const metadata = metadataFor(Message);
    const compiled = compileValidationPipe(new ValidationPipe(), metadata);
    await expect(compiled.transform({ body: 1 }, metadata)).rejects.toThrow(BadRequestException);
    await expect(compiled.transform({ body: 1 }, metadata)).rejects.toMatchObject({ response: { message: ['body must be a string'] } });
  });

  test('a DTO with nested validation, or an async constraint, goes through the pipe', () => {
    const metadata = metadataFor(WithNested);
    expect(compileValidationPipe(new ValidationPipe(), metadata).transform({ inner: { body: 'x' } }, metadata)).toBeInstanceOf(Promise);
  });

  test('a subclass, a pipe with a method replaced, an option it does not know, or a primitive parameter: the pipe itself', () => {
    const metadata = metadataFor(Message);
    class StricterPipe extends ValidationPipe {}
    const subclass = new StricterPipe();
    expect(compileValidationPipe(subclass, metadata)).toBe(subclass);
    const patched = new ValidationPipe();
    patched.transform = (value: unknown) => Promise.resolve(value);
    expect(compileValidationPipe(patched, metadata)).toBe(patched);
    const unknownOption = new ValidationPipe({ forbidUnknownValues: true, futureOption: true } as ValidationPipeOptions);
    expect(compileValidationPipe(unknownOption, metadata)).toBe(unknownOption);
    const pipe = new ValidationPipe();
    expect(compileValidationPipe(pipe, metadataFor(String))).toBe(pipe);
    expect(compileValidationPipe(pipe, { type: 'custom', metatype: Message, data: undefined })).toBe(pipe);
  });
});
