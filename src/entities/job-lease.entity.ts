import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** A named piece of work and until when one instance holds it. */
@Entity({ tableName: 'job_lease' })
export class JobLease {
  @PrimaryKey({ type: 'string', length: 64 })
  name!: string;

  @Property({ type: 'datetime', length: 3 })
  leaseUntil!: Date;

  /** The instance holding it: only the holder may release it early. */
  @Property({ type: 'string', length: 64 })
  holder!: string;
}
