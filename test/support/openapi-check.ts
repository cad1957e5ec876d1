/**
 * Checks a REST answer against the gateway's OpenAPI document (src/rest/openapi.ts): the status must
 * be documented for the route, the documented headers present, the media type documented, and a JSON
 * body must validate against the documented schema (ajv, JSON Schema 2020-12, which is what OpenAPI
 * 3.1 schemas are). The harness's rest() runs every answer through checkRestAnswer.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { buildOpenApiDocument } from '../../src/rest/openapi';

export interface RestAnswer {
  method: string;
  /** The request path as sent, query string included (`/api/v1/payment?ref=…`). */
  path: string;
  status: number;
  headers: Headers;
  /** The body as received (parsed here when its media type is JSON). */
  text: string;
}

export class OpenApiMismatchError extends Error {
  override readonly name = 'OpenApiMismatchError';
}

type Json = Record<string, any>;

const DOCUMENT_ID = 'https://gateway.invalid/api/v1/openapi.json';
/** The OpenAPI keywords around the schemas: ajv must know them to read the document, and ignore them. */
const OPENAPI_KEYWORDS = ['openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components', 'security', 'tags', 'externalDocs'];
const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** An ajv instance holding `document`, able to validate any JSON pointer of it as a schema. */
export function ajvFor(document: Json): Ajv2020 {
  // strict: unknown keywords in the document's schemas are errors (a typo would silently match anything).
  const ajv = new Ajv2020({ strict: true, strictTypes: false, strictRequired: false, allowUnionTypes: true, allErrors: true });
  addFormats(ajv);
  ajv.addVocabulary(OPENAPI_KEYWORDS);
  ajv.addSchema({ ...document, $id: DOCUMENT_ID });
  return ajv;
}

/** A validator for the schema at `pointer` (`#/components/schemas/Payment`) of the document. */
export function compileAt(ajv: Ajv2020, pointer: string): ValidateFunction {
  return ajv.compile({ $ref: `${DOCUMENT_ID}${pointer}` });
}

const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

export class OpenApiChecker {
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly document: Json = buildOpenApiDocument()) {
    this.ajv = ajvFor(document);
  }

  /** The document's path for a request path, matched as Express routes it (case-insensitive, trailing slash ignored); null when unknown. */
  documentedPath(path: string): string | null {
    const pathname = new URL(path, 'http://gateway.invalid').pathname.replace(/(.)\/+$/, '$1').toLowerCase();
    return Object.keys(this.document.paths).find((known) => known.toLowerCase() === pathname) ?? null;
  }

  /** Throws OpenApiMismatchError when the answer breaks the document; answers to unknown paths or methods pass. */
  check(answer: RestAnswer): void {
    const method = answer.method.toLowerCase();
    const path = this.documentedPath(answer.path);
    if (!path || !METHODS.has(method) || !this.document.paths[path][method]) return;
    const where = `${answer.method.toUpperCase()} ${answer.path} answered ${answer.status}`;
    const fail = (problem: string): never => {
      throw new OpenApiMismatchError(`OpenAPI mismatch: ${where}, ${problem}\n  body: ${excerpt(answer.text)}`);
    };

    const responses: Json = this.document.paths[path][method].responses;
    const statusKey = [String(answer.status), `${Math.floor(answer.status / 100)}XX`, 'default'].find((key) => key in responses);
    if (!statusKey) fail(`a status the document does not list for ${method.toUpperCase()} ${path} (documented: ${Object.keys(responses).join(', ')})`);
    const response = this.resolve(responses[statusKey!]);
    const base = `#/paths/${escapePointer(path)}/${method}/responses/${statusKey}`;

    for (const [name, declared] of Object.entries<Json>(response.headers ?? {})) {
      const header = this.resolve(declared);
      const value = answer.headers.get(name);
      if (value === null) {
        if (header.required) fail(`without its required ${name} header`);
        continue;
      }
      if (header.schema) {
        const data = header.schema.type === 'integer' && /^-?\d+$/.test(value) ? Number(value) : value;
        // A header declared by $ref has its schema under the component, not under the response.
        const at = typeof declared.$ref === 'string' ? declared.$ref : `${base}/headers/${escapePointer(name)}`;
        const validate = this.validatorFor(`${at}/schema`);
        if (!validate(data)) fail(`with a ${name} header (${JSON.stringify(value)}) that breaks its schema: ${describeErrors(validate.errors)}`);
      }
    }

    const content: Json | undefined = response.content;
    const mediaType = (answer.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (!content) {
      if (answer.text !== '') fail(`with a body (${mediaType || 'no content-type'}) where the document declares none`);
      return;
    }
    if (!(mediaType in content)) fail(`with a ${mediaType || 'untyped'} body; the document declares ${Object.keys(content).join(', ')}`);
    const schema = content[mediaType].schema;
    if (!schema) return;
    let data: unknown = answer.text;
    if (mediaType === 'application/json' || mediaType.endsWith('+json')) {
      try {
        data = JSON.parse(answer.text);
      } catch {
        fail(`with a ${mediaType} body that is not JSON`);
      }
    }
    const validate = this.validatorFor(`${base}/content/${escapePointer(mediaType)}/schema`);
    if (!validate(data)) {
      fail(`with a body that breaks ${schemaName(schema) ?? `the schema at ${base}`}:\n  ${describeErrors(validate.errors)}`);
    }
  }

  /** Follows a `$ref` to a component (responses, headers); anything else is returned as it is. */
  private resolve(node: Json): Json {
    if (typeof node?.$ref !== 'string') return node;
    const target = node.$ref
      .replace(/^#\//, '')
      .split('/')
      .map((segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((at: Json | undefined, segment: string) => at?.[segment], this.document);
    if (!target) throw new OpenApiMismatchError(`OpenAPI document: ${node.$ref} does not resolve`);
    return this.resolve(target);
  }

  /** A validator for the schema at a JSON pointer of the document (`#/paths/…/schema`), compiled once. */
  private validatorFor(pointer: string): ValidateFunction {
    let validate = this.validators.get(pointer);
    if (!validate) {
      validate = compileAt(this.ajv, pointer);
      this.validators.set(pointer, validate);
    }
    return validate;
  }
}

function schemaName(schema: Json): string | null {
  const ref = schema.$ref ?? schema.allOf?.[0]?.$ref;
  return typeof ref === 'string' ? ref : null;
}

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  if (!errors?.length) return 'no detail';
  // oneOf/anyOf/if report their branches first; the leaves say what is actually wrong.
  const lines = errors.map((error) => {
    const params = Object.keys(error.params).length ? ` ${JSON.stringify(error.params)}` : '';
    return `${error.instancePath || '(body)'} ${error.message}${params} [${error.schemaPath}]`;
  });
  const unique = [...new Set(lines)];
  return unique.slice(0, 12).join('\n  ') + (unique.length > 12 ? `\n  …and ${unique.length - 12} more` : '');
}

function excerpt(text: string): string {
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

let shared: OpenApiChecker | undefined;

/** Checks an answer against the document built by buildOpenApiDocument() (built once per test file). */
export function checkRestAnswer(answer: RestAnswer): void {
  shared ??= new OpenApiChecker();
  shared.check(answer);
}
