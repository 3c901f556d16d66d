import { migration0001 } from "./0001-initial.ts";
import { migration0002 } from "./0002-unfilled-orders.ts";
import { migration0003 } from "./0003-books.ts";
import { migration0004 } from "./0004-unused-indexes.ts";
import type { Migration } from "./migration.ts";

export type { Migration } from "./migration.ts";

/**
 * Every migration, in order. To change the schema, add `000N-<name>.ts` and append it here;
 * never edit a migration that has shipped (journals in the field already ran it).
 */
export const MIGRATIONS: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004];
