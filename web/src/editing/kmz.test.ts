import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { KMZ_MAX_KML_BYTES, kmlOfKmz } from './kmz.ts';
import { parseBoundaryFile } from './boundary-file.ts';

/** A zip as Google Earth writes a KMZ, made by the same library the server's exports use. */
function zipOf(files: Record<string, string | Buffer>, compress = true): Promise<Uint8Array> {
  const zip = new yazl.ZipFile();
  for (const [name, body] of Object.entries(files)) zip.addBuffer(Buffer.from(body), name, { compress });
  zip.end();
  const parts: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (part: Buffer) => parts.push(part));
    zip.outputStream.on('end', () => resolve(new Uint8Array(Buffer.concat(parts))));
    zip.outputStream.on('error', reject);
  });
}

const KML = `<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>Vườn xoài</name><Polygon><outerBoundaryIs><LinearRing><coordinates>105.63,10.46 105.631,10.46 105.631,10.461 105.63,10.46</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>`;

describe('the KML of a KMZ, for the editor', () => {
  it('reads doc.kml beside the images, deflated or stored, Vietnamese intact, and the editor gets its polygon', async () => {
    for (const compress of [true, false]) {
      const kmz = await zipOf({ 'files/icon.png': Buffer.from([0x89, 0x50]), 'doc.kml': KML, 'other.kml': '<kml/>' }, compress);
      const text = await kmlOfKmz(kmz);
      expect(text).toBe(KML);
      expect(parseBoundaryFile('doc.kml', text)).toHaveLength(1);
    }
  });

  it('takes the only .kml when there is no doc.kml', async () => {
    expect(await kmlOfKmz(await zipOf({ 'vuon/ranh.kml': KML }))).toBe(KML);
  });

  it('refuses a KMZ with no .kml, a file that is no zip, a damaged one, and a KML inflating past the limit', async () => {
    await expect(kmlOfKmz(await zipOf({ 'files/icon.png': 'png' }))).rejects.toThrow('the KMZ holds no .kml');
    await expect(kmlOfKmz(new TextEncoder().encode('not a zip at all, only words'))).rejects.toThrow('not a KMZ (zip) file');
    const good = await zipOf({ 'doc.kml': KML });
    const damaged = good.slice();
    damaged.fill(0, 30, 60);
    await expect(kmlOfKmz(damaged)).rejects.toThrow('the KMZ is damaged');
    // A bomb: 30 MB of spaces deflate to a few KB; refused by its declared size, and by counting if it lies.
    const bomb = await zipOf({ 'doc.kml': Buffer.alloc(KMZ_MAX_KML_BYTES + 1024, 0x20) });
    expect(bomb.length).toBeLessThan(100_000);
    await expect(kmlOfKmz(bomb)).rejects.toThrow('too large');
    const lying = bomb.slice();
    const view = new DataView(lying.buffer);
    for (let at = lying.length - 22; at >= 0; at--) {
      if (view.getUint32(at, true) !== 0x06054b50) continue;
      const central = view.getUint32(at + 16, true);
      view.setUint32(central + 24, 100, true);
      break;
    }
    await expect(kmlOfKmz(lying)).rejects.toThrow('too large');
  });
});
