// Writes of the features fixture's officer through the OGC API Features, each PUT and PATCH with
// the item's current ETag as If-Match (as a client that read the item first sends them).
import { expect } from 'vitest';
import type { FeaturesFixture } from './features-fixture.ts';

const GEO = { 'content-type': 'application/geo+json' };
const MERGE = { 'content-type': 'application/merge-patch+json' };

/** A GeoJSON feature as a client sends it. */
export type FeatureBody = { type: 'Feature'; geometry: unknown; properties: Record<string, unknown> };

/** The ETag of an item as the officer reads it (checking the read answers 200). */
export async function etagOf(fx: FeaturesFixture, url: string): Promise<string> {
  const response = await fx.app.inject({ url, headers: fx.as('officer') });
  expect(response.statusCode, response.body).toBe(200);
  return response.headers.etag as string;
}

/** PUT of a whole feature at an item's URL. */
export async function putItem(fx: FeaturesFixture, url: string, feature: FeatureBody) {
  return fx.app.inject({
    method: 'PUT',
    url,
    headers: fx.as('officer', { ...GEO, 'if-match': await etagOf(fx, url) }),
    payload: feature,
  });
}

/** PATCH of an item with a JSON merge patch. */
export async function patchItem(fx: FeaturesFixture, url: string, body: unknown) {
  return fx.app.inject({
    method: 'PATCH',
    url,
    headers: fx.as('officer', { ...MERGE, 'if-match': await etagOf(fx, url) }),
    payload: JSON.stringify(body),
  });
}

/** POST of a new feature to a collection's items. */
export function postItem(fx: FeaturesFixture, itemsUrl: string, feature: FeatureBody) {
  return fx.app.inject({ method: 'POST', url: itemsUrl, headers: fx.as('officer', GEO), payload: feature });
}
