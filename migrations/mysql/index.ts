import { Migration20261124000000_initial } from './Migration20261124000000_initial';

/** Listed explicitly so that migrations load the same from ts (tests) and from the compiled dist. */
export const mysqlMigrations = [
  { name: 'Migration20261124000000_initial', class: Migration20261124000000_initial },
];
