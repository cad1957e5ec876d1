import { Migration } from '@mikro-orm/migrations';

/** Who holds a named lease; the same as the MySQL migration. */
export class Migration20261201000000_job_lease_holder extends Migration {
  override async up(): Promise<void> {
    this.addSql("alter table `job_lease` add column `holder` text not null default '';");
  }

  override async down(): Promise<void> {
    this.addSql('alter table `job_lease` drop column `holder`;');
  }
}
