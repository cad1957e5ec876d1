/**
 * docs/reference.md against the code. Its generated regions must be what `npm run docs:reference`
 * writes now (limits, statuses, schema, error codes, REST routes, variables, emulator faults); its
 * hand-written parts must name every error code, variable, route, GraphQL type and field, and
 * WebSocket close code the code has, so a change to the code that the reference does
 * not follow fails here.
 */
import 'reflect-metadata';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType, isScalarType, isSpecifiedScalarType } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { envSchema } from '../../src/config';
import { ERROR_CODES } from '../../src/domain/errors';
import { printGatewaySchema } from '../../src/graphql/build-schema';
import { REQUEST_ERROR_CODES } from '../../src/graphql/graphql-errors';
import { buildOpenApiDocument } from '../../src/rest/openapi';
import { emulatorEnvSchema } from '../../src/stripe-emulator/emulator-env';
import { faultsPatchSchema } from '../../src/stripe-emulator/faults';
import { documentation, fillRegions, REFERENCE_PATH, renderReference } from '../../scripts/reference';

const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const reference = readFileSync(REFERENCE_PATH, 'utf8');

/** The reference without its generated regions: what people wrote. */
const handWritten = reference.replace(/<!-- generated:([\w-]+) -->[\s\S]*?<!-- \/generated:\1 -->/g, '');

/** Every identifier-like word inside an inline code span of the hand-written text (`payments(first, after)` gives payments, first, after). */
const handWrittenCodeWords = new Set(
  [...handWritten.matchAll(/`([^`\n]+)`/g)].flatMap(([, span]) => span.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []),
);

const missingFrom = (names: Iterable<string>, has: (name: string) => boolean) => [...names].filter((name) => !has(name));

describe('docs/reference.md', () => {
  it('has generated regions that are what `npm run docs:reference` writes from the code now', async () => {
    // On failure: run `npm run docs:reference` and commit docs/reference.md.
    expect(await renderReference(reference)).toBe(reference);
  });

  describe('the generator', () => {
    const regions = { a: 'first', b: 'second' };

    it('rewrites only what lies between the markers of each region', () => {
      const document = 'intro\n<!-- generated:a -->\nstale\n<!-- /generated:a -->\nmiddle\n<!-- generated:b --><!-- /generated:b -->\nend\n';
      expect(fillRegions(document, regions)).toBe(
        'intro\n<!-- generated:a -->\nfirst\n<!-- /generated:a -->\nmiddle\n<!-- generated:b -->\nsecond\n<!-- /generated:b -->\nend\n',
      );
    });

    it.each([
      ['a region without markers', '<!-- generated:a --><!-- /generated:a -->', /lacks the markers of: b/],
      ['markers of an unknown region', '<!-- generated:a --><!-- /generated:a --><!-- generated:b --><!-- /generated:b --><!-- generated:c --><!-- /generated:c -->', /unknown region "c"/],
      ['a region never closed', '<!-- generated:a --><!-- /generated:a --><!-- generated:b -->', /"b" is never closed/],
      ['a region closed before it opens', '<!-- /generated:a --><!-- generated:a --><!-- generated:b --><!-- /generated:b -->', /"a" do not pair up/],
      ['a region given twice', '<!-- generated:a --><!-- /generated:a --><!-- generated:a --><!-- /generated:a --><!-- generated:b --><!-- /generated:b -->', /"a" do not pair up/],
    ])('refuses %s, naming it', (_case, document, message) => {
      expect(() => fillRegions(document, regions)).toThrow(message);
    });
  });

  it('explains every error code of the gateway in its own words, and lists Apollo’s', () => {
    expect(missingFrom(Object.keys(ERROR_CODES), (code) => handWrittenCodeWords.has(code))).toEqual([]);
    expect(missingFrom(Object.keys(REQUEST_ERROR_CODES), (code) => reference.includes(`\`${code}\``))).toEqual([]);
  });

  it('lists every environment variable of the gateway and of the standalone emulator, and every emulator fault', () => {
    const names = [...Object.keys(envSchema.shape), ...Object.keys(emulatorEnvSchema.shape), ...Object.keys(faultsPatchSchema.shape)];
    expect(missingFrom(names, (name) => reference.includes(`\`${name}\``))).toEqual([]);
    // Each says what it means, next to it in the code (`.meta({ description })`), or its row would be empty.
    const schemas = { ...envSchema.shape, ...emulatorEnvSchema.shape, ...faultsPatchSchema.shape } as Record<string, Parameters<typeof documentation>[0]>;
    expect(missingFrom(Object.keys(schemas), (name) => Boolean(documentation(schemas[name]).description))).toEqual([]);
  });

  it('describes every REST path of the OpenAPI document and every route the gateway registers', () => {
    const openApiPaths = Object.keys((buildOpenApiDocument() as { paths: Record<string, unknown> }).paths);
    expect(missingFrom(openApiPaths, (path) => handWritten.includes(path))).toEqual([]);
    // Routes outside the OpenAPI document too (metrics, say), mounted at / or under /api/v1.
    const routerPaths = sourceFiles('src/rest').flatMap((file) => routesIn(read(file)));
    expect(routerPaths.length).toBeGreaterThan(5);
    expect(missingFrom(new Set(routerPaths), (path) => handWritten.includes(path) || handWritten.includes(`/api/v1${path}`))).toEqual([]);
  });

  it('describes every route of the Stripe emulator', () => {
    const apiRoutes = routesIn(read('src/stripe-emulator/api.router.ts')).map((path) => `/v1${path}`);
    const mounts = [...read('src/stripe-emulator/index.ts').matchAll(/app\.use\(\s*'([^']+)'/g)].map(([, prefix]) => prefix);
    expect(apiRoutes.length).toBeGreaterThan(5);
    expect(missingFrom([...apiRoutes, ...mounts], (path) => handWritten.includes(path))).toEqual([]);
  });

  it('explains every GraphQL type, field, argument and enum value where it matters', async () => {
    const schema = buildSchema(await printGatewaySchema());
    const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((root) => root !== null && root !== undefined);
    const names: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || (isScalarType(type) && isSpecifiedScalarType(type))) continue;
      if (!roots.includes(type as never)) names.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          names.push(field.name);
          if ('args' in field) names.push(...field.args.map((arg: { name: string }) => arg.name));
        }
      }
      if (isEnumType(type)) names.push(...type.getValues().map((value) => value.name));
    }
    expect(missingFrom(new Set(names), (name) => handWrittenCodeWords.has(name))).toEqual([]);
  });

  it('names every WebSocket close code the subscription server uses', () => {
    const source = sourceFiles('src/resolvers').map(read).join('\n');
    const numeric = [...source.matchAll(/\bclose\w*\([^)]*?\b(4\d{3})\b|\((4\d{3})\)/g)].map(([, a, b]) => a ?? b);
    const named = [...source.matchAll(/CloseCode\.(\w+)/g)].map(([, name]) => String(CloseCode[name as keyof typeof CloseCode]));
    const codes = new Set(['4403', ...numeric, ...named]);
    expect(missingFrom(codes, (code) => handWritten.includes(code))).toEqual([]);
  });
});

describe('the user-facing documents', () => {
  const userFacing = ['README.md', 'docs/reference.md', 'src/stripe-emulator/README.md', '.env.example'];

  it('send readers to docs/reference.md, never to a folder outside the repository', () => {
    for (const file of userFacing) expect([file, read(file).includes('../shared')]).toEqual([file, false]);
    expect(JSON.stringify(buildOpenApiDocument())).not.toContain('../shared');
    expect(read('README.md')).toContain('](docs/reference.md)');
  });

  it('link only to files that exist in the repository', () => {
    for (const file of ['README.md', 'docs/reference.md', 'src/stripe-emulator/README.md']) {
      const folder = join(ROOT, file, '..');
      for (const [, target] of read(file).matchAll(/\]\(((?!https?:|#)[^)#\s]+)(?:#[^)]*)?\)/g)) {
        expect([file, target, existsUnder(folder, target)]).toEqual([file, target, true]);
      }
    }
  });
});

/** The `.ts` files of a source folder, as repository paths. */
function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => `${folder}/${name}`);
}

/** Paths given to router.get/post/put/patch/delete in a source file (Express routers). */
function routesIn(source: string): string[] {
  return [...source.matchAll(/\brouter\.(?:get|post|put|patch|delete)\(\s*'([^']+)'/g)].map(([, path]) => path);
}

function existsUnder(folder: string, relative: string): boolean {
  try {
    readFileSync(join(folder, relative));
    return true;
  } catch {
    return false;
  }
}
