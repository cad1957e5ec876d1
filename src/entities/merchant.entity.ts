import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A merchant and its API keys. Keys are shown once when issued and stored only as SHA-256 hashes:
 * they are long random strings, so a fast hash is enough and lets us find the merchant by index.
 */
@Entity({ tableName: 'merchant' })
export class Merchant {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property({ type: 'string', length: 64, unique: true })
  secretKeyHash!: string;

  @Property({ type: 'string', length: 64, unique: true })
  publishableKeyHash!: string;

  /** The secret key replaced by the last rotation, accepted until `previousSecretKeyExpiresAt`. */
  @Property({ type: 'string', length: 64, nullable: true, unique: true })
  previousSecretKeyHash: string | null = null;

  @Property({ type: 'datetime', length: 3, nullable: true })
  previousSecretKeyExpiresAt: Date | null = null;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date = new Date();
}
