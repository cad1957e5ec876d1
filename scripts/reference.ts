/**
 * Keeps docs/reference.md in step with the code (`npm run docs:reference`). The reference is written
 * by hand except its generated regions, each between `<!-- generated:NAME -->` and
 * `<!-- /generated:NAME -->`, which this rewrites from the code that decides them:
 *
 * - limits            LIMITS (src/services/validation/limits.ts), the money rules (src/domain/money.ts)
 *                     and the GraphQL document limits (src/graphql/query-limits.ts)
 * - statuses          src/domain/payment-status.ts (meanings, allowed changes, statuses holding an order)
 * - schema            the GraphQL SDL the code builds (the same text as schema.graphql)
 * - errors            ERROR_CODES of src/domain/errors.ts (meaning and REST status of each code)
 * - graphql-errors    REQUEST_ERROR_CODES of src/graphql/graphql-errors.ts (Apollo's codes let through)
 * - rest-routes       the OpenAPI document of src/rest/openapi.ts (method, path, summary, statuses, codes)
 * - config            the gateway's environment schema, src/config.ts
 * - emulator-config   the standalone emulator's environment schema, src/stripe-emulator/emulator-env.ts
 * - emulator-faults   the emulator's fault schema, src/stripe-emulator/faults.ts
 *
 * test/unit/reference-doc.test.ts runs renderReference in memory and fails when the committed file
 * differs, and checks the hand-written parts against the code where nothing can be generated.
 */
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { envSchema } from '../src/config';
import { ERROR_CODES } from '../src/domain/errors';
import { MAX_AMOUNT, minimumChargeAmount, THREE_DECIMAL_CURRENCIES } from '../src/domain/money';
import { canTransition, ORDER_HOLDING_STATUSES, PAYMENT_STATUS_MEANINGS, PaymentStatus } from '../src/domain/payment-status';
import { printGatewaySchema } from '../src/graphql/build-schema';
import { REQUEST_ERROR_CODES } from '../src/graphql/graphql-errors';
import { DEFAULT_QUERY_LIMITS, MAX_DOCUMENT_TOKENS } from '../src/graphql/query-limits';
import { buildOpenApiDocument } from '../src/rest/openapi';
import { FORBIDDEN_KEYS, LIMITS } from '../src/services/validation';
import { emulatorEnvSchema } from '../src/stripe-emulator/emulator-env';
import { faultsPatchSchema } from '../src/stripe-emulator/faults';

export const REFERENCE_PATH = join(__dirname, '..', 'docs', 'reference.md');

// ---------------------------------------------------------------------------------------------------
// Markdown helpers
// ---------------------------------------------------------------------------------------------------

/** A table cell: one line, pipes escaped. */
const cell = (text: string): string => text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const code = (text: string | number | boolean): string => `\`${String(text)}\``;

// ---------------------------------------------------------------------------------------------------
// Zod schemas: descriptions, defaults and accepted values, read from the schema itself
// ---------------------------------------------------------------------------------------------------

type AnySchema = z.ZodType;
interface Documented {
  description?: string;
  /** What happens when the variable is unset, for variables without a schema default. */
  unset?: string;
}

/** The schema's own parts: `def` as zod 4 exposes it, read loosely so a new wrapper kind degrades to "unknown". */
function defOf(schema: AnySchema): Record<string, unknown> & { type: string } {
  return (schema as unknown as { def: Record<string, unknown> & { type: string } }).def;
}

/** The schemas a wrapper stands for, outermost first (default → optional → pipe's output → …). */
function layers(schema: AnySchema): AnySchema[] {
  const def = defOf(schema);
  const inner = (def.innerType ?? (def.type === 'pipe' ? def.out : undefined)) as AnySchema | undefined;
  const rest = inner ? layers(inner) : [];
  // A pipe's input says what is accepted when its output says nothing (a transform, say).
  if (def.type === 'pipe') rest.push(...layers(def.in as AnySchema));
  return [schema, ...rest];
}

/** A schema's `meta()` description (and `unset` text), from the outermost layer that has one. */
export function documentation(schema: AnySchema): Documented {
  for (const layer of layers(schema)) {
    const meta = (layer as unknown as { meta(): Documented | undefined }).meta();
    if (meta?.description) return meta;
  }
  return {};
}

function defaultValue(schema: AnySchema): unknown {
  const withDefault = layers(schema).find((layer) => defOf(layer).type === 'default');
  return withDefault ? defOf(withDefault).defaultValue : undefined;
}

const UNBOUNDED = Number.MAX_SAFE_INTEGER;

/** What values a schema takes, in words, for the types that say it (numbers, enums, booleans, URLs). */
function accepted(schema: AnySchema): string {
  for (const layer of layers(schema)) {
    const def = defOf(layer);
    const bag = layer as unknown as { minValue?: number | null; maxValue?: number | null; isInt?: boolean; options?: unknown[]; format?: string | null };
    if (def.type === 'number') {
      const min = bag.minValue ?? -Infinity;
      const max = bag.maxValue ?? Infinity;
      const kind = bag.isInt ? 'integer' : 'number';
      const hasMin = Math.abs(min) < UNBOUNDED;
      const hasMax = Math.abs(max) < UNBOUNDED;
      if (hasMin && hasMax) return `${kind} ${min}..${max}`;
      if (hasMin) return `${kind} ≥ ${min}`;
      if (hasMax) return `${kind} ≤ ${max}`;
      return kind;
    }
    if (def.type === 'enum') return (bag.options ?? []).map((option) => code(String(option))).join(', ');
    if (def.type === 'boolean') return '`true`, `false`';
    if (def.type === 'string' && bag.format === 'url') return 'http(s) URL';
  }
  return 'text';
}

function shapeOf(schema: AnySchema): Record<string, AnySchema> {
  return (schema as unknown as { shape: Record<string, AnySchema> }).shape;
}

function environmentTable(schema: AnySchema): string {
  const rows = Object.entries(shapeOf(schema)).map(([name, variable]) => {
    const doc = documentation(variable);
    const fallback = defaultValue(variable);
    return [code(name), fallback === undefined ? (doc.unset ?? 'unset') : code(String(fallback)), accepted(variable), doc.description ?? ''];
  });
  return table(['variable', 'default', 'accepts', 'meaning'], rows);
}

function faultsTable(): string {
  const rows = Object.entries(shapeOf(faultsPatchSchema)).map(([name, fault]) => [code(name), accepted(fault), documentation(fault).description ?? '']);
  return table(['fault', 'accepts', 'effect'], rows);
}

// ---------------------------------------------------------------------------------------------------
// The other regions
// ---------------------------------------------------------------------------------------------------

/** 99999999 → "99 999 999", as people read it. */
const count = (n: number): string => (n >= 10_000 ? n.toLocaleString('en-US').replace(/,/g, ' ') : String(n));

/** The input limits: the wording is here, every number comes from the code that enforces it. */
function limitsTable(): string {
  const L = LIMITS;
  const minimums = ['USD', 'EUR', 'GBP', 'JPY'].map((currency) => `${currency} ${count(minimumChargeAmount(currency))}`).join(', ');
  const rows = [
    [
      'payment amount',
      `at least Stripe's minimum charge for the currency, in minor units (${minimums}, …), at most ${count(MAX_AMOUNT)}, for every currency; ` +
        `three-decimal currencies (${[...THREE_DECIMAL_CURRENCIES].join(', ')}) in multiples of 10`,
    ],
    [
      'line items',
      `${L.lineItemsMin} to ${L.lineItemsMax}; \`quantity\` ${L.quantityMin} to ${L.quantityMax}; \`unitAmount\` ≥ 1; \`name\` 1 to ${L.lineItemNameMaxChars} characters`,
    ],
    ['`orderId`', `1 to ${L.orderIdMaxChars} characters, no control characters`],
    ['`successUrl`, `cancelUrl`', `absolute \`http(s)\` URLs, no credentials, no whitespace, at most ${L.urlMaxChars} characters`],
    ['`customerEmail`', `at most ${L.emailMaxChars} characters, local part at most ${L.emailLocalPartMaxChars}, a domain with a dot`],
    ['`expiresInMinutes`', `${L.expiresInMinutesMin} to ${L.expiresInMinutesMax} (Stripe's window), default ${L.expiresInMinutesDefault}`],
    [
      '`metadata`',
      `a JSON object of at most ${L.metadataMaxKeys} keys (keys 1 to ${L.metadataKeyMaxChars} characters, without \`[\` or \`]\`; ` +
        `not ${[...FORBIDDEN_KEYS].map(code).join(', ')}), string values of at most ${L.metadataValueMaxChars} characters. ` +
        `All ${L.metadataMaxKeys} are the merchant's: the gateway's own reference travels elsewhere`,
    ],
    ['`payments(first, last)`', `each 1 to ${L.pageSizeMax}, not both; ${L.pageSizeDefault} when neither is given; \`after\`, \`before\` at most ${L.cursorMaxChars} characters`],
    ['`ref`', `\`pay_\` and ${L.refMinRandomChars} or more URL-safe characters, at most ${L.refMaxChars} in all`],
    ['`Idempotency-Key`', `1 to ${L.idempotencyKeyMaxChars} printable ASCII characters`],
    ['problems reported', `at most ${L.maxReportedProblems} per answer, then one line saying how many more`],
    [
      'GraphQL documents',
      `at most ${count(MAX_DOCUMENT_TOKENS)} tokens, depth ${DEFAULT_QUERY_LIMITS.maxDepth}, ${DEFAULT_QUERY_LIMITS.maxAliases} aliases, ` +
        `${DEFAULT_QUERY_LIMITS.maxFields} field selections and a cost of ${count(DEFAULT_QUERY_LIMITS.maxCost)}`,
    ],
  ];
  return table(['what', 'limit'], rows);
}

function statusTable(): string {
  const statuses = Object.values(PaymentStatus);
  const rows = statuses.map((status) => {
    const next = statuses.filter((to) => canTransition(status, to));
    return [
      code(status),
      PAYMENT_STATUS_MEANINGS[status],
      next.length ? next.map(code).join(', ') : '— (final)',
      ORDER_HOLDING_STATUSES.includes(status) ? 'yes' : 'no',
    ];
  });
  return table(['status', 'meaning', 'may become', 'holds its order'], rows);
}

function errorTable(): string {
  const rows = Object.entries(ERROR_CODES).map(([name, { httpStatus, meaning }]) => [code(name), String(httpStatus), meaning]);
  return table(['code', 'REST status', 'meaning'], rows);
}

function graphqlErrorTable(): string {
  return table(
    ['code', 'meaning'],
    Object.entries(REQUEST_ERROR_CODES).map(([name, meaning]) => [code(name), meaning]),
  );
}

type OpenApiOperation = { summary?: string; security?: unknown[]; responses?: Record<string, unknown> };

/** The error codes an OpenAPI response admits (openapi.ts narrows `error.code` to an enum per status). */
function codesOfResponse(response: unknown): string[] {
  const found = new Set<string>();
  const walk = (node: unknown, key?: string): void => {
    if (Array.isArray(node)) return node.forEach((item) => walk(item));
    if (!node || typeof node !== 'object') return;
    for (const [name, value] of Object.entries(node)) {
      if (key === 'code' && name === 'enum' && Array.isArray(value)) value.forEach((v) => found.add(String(v)));
      else walk(value, name);
    }
  };
  walk(response);
  return [...found];
}

function restRouteTable(): string {
  const document = buildOpenApiDocument() as { paths: Record<string, Record<string, OpenApiOperation>> };
  const rows: string[][] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const needsKey = (operation.security ?? []).length > 0;
      const answers = Object.entries(operation.responses ?? {}).map(([status, response]) => {
        const codes = codesOfResponse(response);
        return codes.length ? `${status} ${codes.join(', ')}` : status;
      });
      rows.push([method.toUpperCase(), code(path), operation.summary ?? '', needsKey ? 'API key' : 'none', answers.join('; ')]);
    }
  }
  return table(['method', 'path', 'does', 'key', 'answers (status, codes)'], rows);
}

/** Every generated region, by the name its markers carry. */
export async function generatedRegions(): Promise<Record<string, string>> {
  return {
    limits: limitsTable(),
    statuses: statusTable(),
    schema: ['```graphql', (await printGatewaySchema()).trimEnd(), '```'].join('\n'),
    errors: errorTable(),
    'graphql-errors': graphqlErrorTable(),
    'rest-routes': restRouteTable(),
    config: environmentTable(envSchema),
    'emulator-config': environmentTable(emulatorEnvSchema),
    'emulator-faults': faultsTable(),
  };
}

// ---------------------------------------------------------------------------------------------------
// Filling the regions
// ---------------------------------------------------------------------------------------------------

const MARKER = /<!-- (\/?)generated:([\w-]+) -->/g;

/**
 * The document with each region's text replaced. Refuses (throws, naming it) a region the document
 * has no markers for, markers naming no region, and markers that do not pair up, so nothing is
 * silently left stale.
 */
export function fillRegions(document: string, regions: Record<string, string>): string {
  const seen = new Set<string>();
  let open: string | null = null;
  for (const [, closing, name] of document.matchAll(MARKER)) {
    if (!(name in regions)) throw new Error(`docs/reference.md has markers for an unknown region "${name}"`);
    if (closing ? open !== name : open !== null || seen.has(name)) throw new Error(`docs/reference.md: the markers of region "${name}" do not pair up`);
    open = closing ? null : name;
    seen.add(name);
  }
  if (open) throw new Error(`docs/reference.md: region "${open}" is never closed`);
  const missing = Object.keys(regions).filter((name) => !seen.has(name));
  if (missing.length) throw new Error(`docs/reference.md lacks the markers of: ${missing.join(', ')}`);
  return document.replace(
    /(<!-- generated:([\w-]+) -->)[\s\S]*?(<!-- \/generated:\2 -->)/g,
    (_all, start: string, name: string, end: string) => `${start}\n${regions[name]}\n${end}`,
  );
}

export async function renderReference(document: string): Promise<string> {
  return fillRegions(document, await generatedRegions());
}

async function main(): Promise<void> {
  const before = readFileSync(REFERENCE_PATH, 'utf8');
  const after = await renderReference(before);
  if (after === before) {
    console.log(`${REFERENCE_PATH} is up to date`);
    return;
  }
  writeFileSync(REFERENCE_PATH, after);
  console.log(`rewrote the generated regions of ${REFERENCE_PATH}`);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
