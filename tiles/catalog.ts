// The source registry: every source built from its declaration once at start-up (SQL assembled,
// identifiers escaped), plus the generalized layers the sources read at low zooms.
import type { SourceConfig, TileCapabilities } from './layer.ts';
import { GeneralizedLayer, type GeneralizedLayerConfig } from './sources/generalized.ts';
import { GENERALIZED, SOURCES } from './sources/layers.ts';
import { TableSource } from './sources/table.source.ts';

/** The built sources by id and the generalized layers by id. */
export type Catalog = Readonly<{
  sources: ReadonlyMap<string, TableSource>;
  generalized: ReadonlyMap<string, GeneralizedLayer>;
}>;

/** Builds the catalog for a database's capabilities; defaults to the platform's own sources. */
export function buildCatalog(
  caps: TileCapabilities,
  sources: readonly SourceConfig[] = SOURCES,
  generalized: readonly GeneralizedLayerConfig[] = GENERALIZED,
): Catalog {
  const gen = new Map(generalized.map((g) => [g.id, new GeneralizedLayer(g, caps)]));
  const built = new Map<string, TableSource>();
  for (const config of sources) {
    if (built.has(config.id)) throw new Error(`duplicate tile source ${config.id}`);
    built.set(config.id, new TableSource(config, caps, gen));
  }
  return { sources: built, generalized: gen };
}
