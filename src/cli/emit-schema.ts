/** Writes schema.graphql from the code (`npm run schema:emit`); a test fails when the committed file is stale. */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printGatewaySchema } from '../graphql/build-schema';

printGatewaySchema()
  .then((sdl) => {
    const path = join(__dirname, '..', '..', '..', 'schema.graphql');
    writeFileSync(path, sdl);
    console.log(`wrote ${path}`);
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
