import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { printGatewaySchema } from '../../src/graphql/build-schema';

describe('schema.graphql', () => {
  it('is what the code emits (run `npm run schema:emit` after changing the schema)', async () => {
    const committed = readFileSync(join(__dirname, '..', '..', 'schema.graphql'), 'utf8');
    expect(committed).toBe(await printGatewaySchema());
  });
});
