// The tile engine's public surface: what the server and scripts import.
export {
  TileEngine,
  parseChange,
  type TileEngineOptions,
  type TileResult,
  type TileChange,
  type SourceInfo,
  type ChangeCursor,
  type ChangeFeed,
  type ChangeNotice,
} from './engine.ts';
export { buildCatalog, type Catalog } from './catalog.ts';
export { TileCache, type CacheEntry, type CacheStats } from './cache.ts';
export { TileError, PUBLIC_SCOPE, EXTENT, BUFFER } from './layer.ts';
export type { TileDb, TileCapabilities, TileViewer, Scope, EncoderKind, SourceConfig, BandConfig, PropertyDef } from './layer.ts';
export { parseTileCoord, tileBounds3857, tileBounds4326, tileRange, MAX_ZOOM, type TileCoord, type Box } from './tile-coord.ts';
export { SOURCES, GENERALIZED } from './sources/layers.ts';
