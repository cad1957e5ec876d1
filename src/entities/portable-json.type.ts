import { JsonType, type Platform, type TransformContext } from '@mikro-orm/core';

/**
 * JSON columns that read back the same on MySQL, MariaDB and SQLite. MariaDB's JSON is LONGTEXT
 * underneath, so mysql2 hands back a string where MySQL hands back an object, while MikroORM's MySQL
 * platform assumes the driver already parsed it. Our JSON columns always hold objects or arrays, so a
 * string can only be the unparsed text.
 */
export class PortableJsonType extends JsonType {
  override convertToJSValue(value: unknown, platform: Platform, context?: TransformContext): unknown {
    if (typeof value === 'string') return JSON.parse(value);
    return super.convertToJSValue(value as string, platform, context);
  }
}
