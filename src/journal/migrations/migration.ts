/** One numbered schema change. Migrations are applied in `version` order, each exactly once. */
export interface Migration {
  /** 1, 2, 3, ... without gaps; the file is named `000N-<name>.ts`. */
  readonly version: number;
  readonly name: string;
  /** SQL run inside the migration's transaction. */
  readonly sql: string;
}
