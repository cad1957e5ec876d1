import { Migration } from '@mikro-orm/migrations';

/** The payment spine for the embedded SQLite database; the same constraints as the MySQL migration. */
export class Migration20261124000000_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`merchant\` (
      \`id\` text not null primary key,
      \`name\` text not null,
      \`secret_key_hash\` text not null unique,
      \`publishable_key_hash\` text not null unique,
      \`previous_secret_key_hash\` text null unique,
      \`previous_secret_key_expires_at\` datetime null,
      \`created_at\` datetime not null
    );`);

    this.addSql(`create table \`payment\` (
      \`id\` integer not null primary key autoincrement,
      \`ref\` text not null unique,
      \`merchant_id\` text not null references \`merchant\` (\`id\`),
      \`order_id\` text not null,
      \`status\` text not null check (\`status\` in ('PROCESSING', 'PENDING', 'SUCCEEDED', 'FAILED', 'EXPIRED')),
      \`amount\` integer not null check (\`amount\` > 0),
      \`currency\` text not null,
      \`line_items\` json not null,
      \`success_url\` text not null,
      \`cancel_url\` text not null,
      \`customer_email\` text null,
      \`metadata\` json not null,
      \`checkout_url\` text null,
      \`provider_session_id\` text null unique,
      \`expires_at\` datetime not null,
      \`version\` integer not null,
      \`created_at\` datetime not null,
      \`updated_at\` datetime not null,
      \`order_hold\` text generated always as (case when \`status\` in ('PROCESSING', 'PENDING', 'SUCCEEDED') then \`order_id\` else null end) stored
    );`);
    this.addSql('create unique index `payment_merchant_order_hold_unique` on `payment` (`merchant_id`, `order_hold`);');
    this.addSql('create index `payment_merchant_id_id_index` on `payment` (`merchant_id`, `id`);');
    this.addSql('create index `payment_status_updated_at_index` on `payment` (`status`, `updated_at`);');

    this.addSql(`create table \`payment_event\` (
      \`id\` integer not null primary key autoincrement,
      \`payment_id\` integer not null references \`payment\` (\`id\`) on delete cascade,
      \`at\` datetime not null,
      \`source\` text not null,
      \`from_status\` text null,
      \`to_status\` text not null,
      \`applied\` integer not null,
      \`provider_event_id\` text null,
      \`provider_event_type\` text null,
      \`note\` text null
    );`);
    this.addSql('create index `payment_event_payment_id_index` on `payment_event` (`payment_id`);');
    this.addSql(
      'create unique index `payment_event_payment_provider_event_unique` on `payment_event` (`payment_id`, `provider_event_id`);',
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists `payment_event`;');
    this.addSql('drop table if exists `payment`;');
    this.addSql('drop table if exists `merchant`;');
  }
}
