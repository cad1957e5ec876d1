import { Migration } from '@mikro-orm/migrations';

/**
 * The payment spine for MySQL and MariaDB. `order_hold` is a stored generated column holding the order
 * id while the payment holds its order (PROCESSING, PENDING, SUCCEEDED; see ORDER_HOLDING_STATUSES);
 * with the unique key on (merchant_id, order_hold) the database refuses a second such payment per
 * order, whatever the code does. NULLs do not collide, so FAILED and EXPIRED payments release it.
 */
export class Migration20261124000000_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`merchant\` (
      \`id\` varchar(40) not null,
      \`name\` varchar(200) not null,
      \`secret_key_hash\` varchar(64) not null,
      \`publishable_key_hash\` varchar(64) not null,
      \`previous_secret_key_hash\` varchar(64) null,
      \`previous_secret_key_expires_at\` datetime(3) null,
      \`created_at\` datetime(3) not null,
      primary key (\`id\`),
      unique key \`merchant_secret_key_hash_unique\` (\`secret_key_hash\`),
      unique key \`merchant_publishable_key_hash_unique\` (\`publishable_key_hash\`),
      unique key \`merchant_previous_secret_key_hash_unique\` (\`previous_secret_key_hash\`)
    ) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);

    this.addSql(`create table \`payment\` (
      \`id\` int unsigned not null auto_increment,
      \`ref\` varchar(40) not null,
      \`merchant_id\` varchar(40) not null,
      \`order_id\` varchar(128) not null,
      \`status\` varchar(16) not null,
      \`amount\` int not null,
      \`currency\` varchar(3) not null,
      \`line_items\` json not null,
      \`success_url\` text not null,
      \`cancel_url\` text not null,
      \`customer_email\` varchar(320) null,
      \`metadata\` json not null,
      \`checkout_url\` text null,
      \`provider_session_id\` varchar(255) null,
      \`expires_at\` datetime(3) not null,
      \`version\` int not null,
      \`created_at\` datetime(3) not null,
      \`updated_at\` datetime(3) not null,
      \`order_hold\` varchar(128) as (case when \`status\` in ('PROCESSING', 'PENDING', 'SUCCEEDED') then \`order_id\` else null end) stored,
      primary key (\`id\`),
      unique key \`payment_ref_unique\` (\`ref\`),
      unique key \`payment_provider_session_id_unique\` (\`provider_session_id\`),
      unique key \`payment_merchant_order_hold_unique\` (\`merchant_id\`, \`order_hold\`),
      key \`payment_merchant_id_id_index\` (\`merchant_id\`, \`id\`),
      key \`payment_status_updated_at_index\` (\`status\`, \`updated_at\`),
      constraint \`payment_merchant_id_foreign\` foreign key (\`merchant_id\`) references \`merchant\` (\`id\`),
      constraint \`payment_status_check\` check (\`status\` in ('PROCESSING', 'PENDING', 'SUCCEEDED', 'FAILED', 'EXPIRED')),
      constraint \`payment_amount_check\` check (\`amount\` > 0)
    ) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);

    this.addSql(`create table \`payment_event\` (
      \`id\` int unsigned not null auto_increment,
      \`payment_id\` int unsigned not null,
      \`at\` datetime(3) not null,
      \`source\` varchar(16) not null,
      \`from_status\` varchar(16) null,
      \`to_status\` varchar(16) not null,
      \`applied\` tinyint(1) not null,
      \`provider_event_id\` varchar(255) null,
      \`provider_event_type\` varchar(100) null,
      \`note\` varchar(500) null,
      primary key (\`id\`),
      key \`payment_event_payment_id_index\` (\`payment_id\`),
      unique key \`payment_event_payment_provider_event_unique\` (\`payment_id\`, \`provider_event_id\`),
      constraint \`payment_event_payment_id_foreign\` foreign key (\`payment_id\`) references \`payment\` (\`id\`) on delete cascade
    ) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists `payment_event`;');
    this.addSql('drop table if exists `payment`;');
    this.addSql('drop table if exists `merchant`;');
  }
}
