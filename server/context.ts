import type { Config } from './config.ts';
import type { Db } from './db/index.ts';
import type { TileService } from './tile-service.ts';

/** What every route plugin gets: the frozen config and the database; services hang off it. */
export type AppContext = {
  config: Config;
  db: Db;
  /** Set by main once the schema and sample data are in place; /readyz answers 200 after that. */
  ready: { value: boolean };
  /** The tile engine; the tile routes open one on `db` when it is not given. */
  tiles?: TileService;
};
