import { Migration } from '@mikro-orm/migrations';

/** Named leases for work that one instance at a time should do; the same as the MySQL migration. */
export class Migration20261124020000_job_lease extends Migration {
  override async up(): Promise<void> {
    this.addSql('create table `job_lease` (`name` text not null primary key, `lease_until` datetime not null);');
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists `job_lease`;');
  }
}
