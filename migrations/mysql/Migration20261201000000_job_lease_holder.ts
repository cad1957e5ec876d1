import { Migration } from '@mikro-orm/migrations';

/** Who holds a named lease, so that an instance releases only a lease it still holds. */
export class Migration20261201000000_job_lease_holder extends Migration {
  override async up(): Promise<void> {
    this.addSql("alter table `job_lease` add column `holder` varchar(64) not null default '';");
  }

  override async down(): Promise<void> {
    this.addSql('alter table `job_lease` drop column `holder`;');
  }
}
