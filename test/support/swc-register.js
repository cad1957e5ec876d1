/**
 * Lets tests start the gateway as a real child process straight from the TypeScript sources
 * (`node -r ./test/support/swc-register.js src/index.ts`), compiled on the fly by swc with the
 * same options as jest, so a second process needs no build step.
 */
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const source = require('node:fs').readFileSync(filename, 'utf8');
  const { code } = transformSync(source, {
    filename,
    sourceMaps: 'inline',
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
