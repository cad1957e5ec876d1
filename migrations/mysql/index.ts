import { Migration20261124000000_initial } from './Migration20261124000000_initial';
import { Migration20261124010000_idempotency_and_leases } from './Migration20261124010000_idempotency_and_leases';
import { Migration20261124020000_job_lease } from './Migration20261124020000_job_lease';
import { Migration20261201000000_job_lease_holder } from './Migration20261201000000_job_lease_holder';

/** Listed explicitly so that migrations load the same from ts (tests) and from the compiled dist. */
export const mysqlMigrations = [
  { name: 'Migration20261124000000_initial', class: Migration20261124000000_initial },
  { name: 'Migration20261124010000_idempotency_and_leases', class: Migration20261124010000_idempotency_and_leases },
  { name: 'Migration20261124020000_job_lease', class: Migration20261124020000_job_lease },
  { name: 'Migration20261201000000_job_lease_holder', class: Migration20261201000000_job_lease_holder },
];
