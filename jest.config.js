// NestJS 12 and some of its dependencies ship as ES modules only. Jest on Node 20 cannot
// require(esm) (https://jestjs.io/docs/ecmascript-modules#require-of-esm, needs Node 24.9+),
// so SWC compiles both our TypeScript and those packages to CommonJS. `isModule: 'unknown'`
// leaves plain CommonJS files as scripts.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    isModule: 'unknown',
    sourceMaps: 'inline',
  },
];

const common = {
  transform: { '^.+\\.(t|j|mj|cj)s$': swc },
  transformIgnorePatterns: [],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testEnvironment: 'node',
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      setupFiles: ['<rootDir>/test/setup-env.ts'],
      // The app serves the browser client bundle; build it once per run (src/client/build/).
      globalSetup: '<rootDir>/test/support/build-client.global-setup.ts',
    },
  ],
};
