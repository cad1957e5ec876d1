import { Migration } from '@mikro-orm/migrations';

/**
 * Idempotency records (one per merchant and Idempotency-Key, holding the first answer) and the
 * reconciler's lease on payments, so that several instances never work on the same payment at once.
 */
export class Migration20261124010000_idempotency_and_leases extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`idempotency_record\` (
      \`merchant_id\` varchar(40) not null,
      \`idempotency_key\` varchar(255) not null,
      \`request_hash\` varchar(64) not null,
      \`state\` varchar(16) not null,
      \`payment_ref\` varchar(40) not null,
      \`response\` json null,
      \`created_at\` datetime(3) not null,
      \`updated_at\` datetime(3) not null,
      primary key (\`merchant_id\`, \`idempotency_key\`),
      key \`idempotency_record_created_at_index\` (\`created_at\`),
      constraint \`idempotency_record_merchant_id_foreign\` foreign key (\`merchant_id\`) references \`merchant\` (\`id\`)
    ) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql('alter table `payment` add column `reconcile_lease_until` datetime(3) null;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table `payment` drop column `reconcile_lease_until`;');
    this.addSql('drop table if exists `idempotency_record`;');
  }
}
