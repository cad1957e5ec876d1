import { Migration } from '@mikro-orm/migrations';

/** Named leases for work that one instance at a time should do (the reconciler's event replay). */
export class Migration20261124020000_job_lease extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`job_lease\` (
      \`name\` varchar(64) not null,
      \`lease_until\` datetime(3) not null,
      primary key (\`name\`)
    ) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists `job_lease`;');
  }
}
