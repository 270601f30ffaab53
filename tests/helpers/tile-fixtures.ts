import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import type { Db } from '../../server/db/index.ts';
import { tileRange, type TileCoord } from '../../tiles/index.ts';
import { openMigratedTestDb } from './test-db.ts';

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/tiles/small-city.sql');

/** A fresh migrated database holding tests/fixtures/tiles/small-city.sql. */
export async function openTileFixtureDb(): Promise<Db> {
  const db = await openMigratedTestDb();
  await db.exec(await fs.readFile(FIXTURE, 'utf8'));
  return db;
}

/** The app on a database, silent, with a tile cache of `cacheMb`. */
export function tileApp(db: Db, cacheMb = 64, env: Record<string, string> = {}): Promise<FastifyInstance> {
  const config = loadConfig({ TILE_CACHE_MB: String(cacheMb), ...env });
  return buildApp({ config, db, ready: { value: true } }, { logger: false });
}

/** The tile at zoom z that holds a point. */
export function tileAt(lon: number, lat: number, z: number): TileCoord {
  const r = tileRange([lon, lat, lon, lat], z);
  return { z, x: r.minX, y: r.minY };
}

/** A decoded feature: id, type (1 point, 2 line, 3 polygon), attributes and tile-unit geometry. */
export type DecodedFeature = {
  id: number | undefined;
  type: number;
  properties: Record<string, string | number | boolean>;
  geometry: { x: number; y: number }[][];
};

/** Decodes MVT bytes into features per layer, sorted by id. */
export function decodeTile(bytes: Uint8Array): Record<string, DecodedFeature[]> {
  const tile = new VectorTile(new PbfReader(bytes));
  const out: Record<string, DecodedFeature[]> = {};
  for (const [name, layer] of Object.entries(tile.layers)) {
    const features: DecodedFeature[] = [];
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      features.push({
        id: f.id,
        type: f.type,
        properties: { ...f.properties } as DecodedFeature['properties'],
        geometry: f.loadGeometry().map((ring) => ring.map((p) => ({ x: p.x, y: p.y }))),
      });
    }
    out[name] = features.sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
  }
  return out;
}

/** A tile as reviewable text: one line per feature with its attributes and geometry (golden files). */
export function describeTile(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (const [name, features] of Object.entries(decodeTile(bytes)).sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`layer ${name} (${features.length} features)`);
    for (const f of features) {
      const props = Object.keys(f.properties)
        .sort()
        .map((k) => `${k}=${JSON.stringify(f.properties[k])}`)
        .join(' ');
      const geom = f.geometry.map((ring) => ring.map((p) => `${p.x},${p.y}`).join(' ')).join(' | ');
      lines.push(`  #${f.id} type=${f.type} ${props}`);
      lines.push(`    ${geom}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
