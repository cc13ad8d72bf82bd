// Nest 12 ships ES modules, so jest runs in its native ESM mode (node --experimental-vm-modules).
import { swcOptions } from './swc.options.js';

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swcOptions] },
  moduleNameMapper: {
    '^nestjs-channels$': '<rootDir>/lib/index.ts',
    '^nestjs-channels/testing$': '<rootDir>/lib/testing/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/test/**/*.spec.ts', '<rootDir>/sample/test/**/*.spec.ts'],
  testTimeout: 20000,
};
