import { Migration } from '@mikro-orm/migrations';

/** Idempotency records and the reconciler's lease on payments; the same as the MySQL migration. */
export class Migration20261124010000_idempotency_and_leases extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`idempotency_record\` (
      \`merchant_id\` text not null references \`merchant\` (\`id\`),
      \`idempotency_key\` text not null,
      \`request_hash\` text not null,
      \`state\` text not null,
      \`payment_ref\` text not null,
      \`response\` json null,
      \`created_at\` datetime not null,
      \`updated_at\` datetime not null,
      primary key (\`merchant_id\`, \`idempotency_key\`)
    );`);
    this.addSql('create index `idempotency_record_created_at_index` on `idempotency_record` (`created_at`);');
    this.addSql('alter table `payment` add column `reconcile_lease_until` datetime null;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table `payment` drop column `reconcile_lease_until`;');
    this.addSql('drop table if exists `idempotency_record`;');
  }
}
