import type { Crop } from '../../../server/contracts/crops.ts';
import type { CropRule } from '../../../server/domain/growing-area-rules.ts';
import { getJson } from '../api/http.ts';
import { lang } from '../i18n/i18n.ts';

export type { Crop };

let cropsPromise: Promise<readonly Crop[]> | undefined;

/** The crop catalogue from the server's table (GET /api/crops), fetched once per page; a failed fetch is retried next time. */
export function loadCrops(): Promise<readonly Crop[]> {
  cropsPromise ??= getJson<{ crops: Crop[] }>('/api/crops').then((r) => r.crops);
  cropsPromise.catch(() => (cropsPromise = undefined));
  return cropsPromise;
}

/** A crop's name in the current language, or its code when the catalogue does not list it. */
export function cropName(crops: readonly Crop[], code: string): string {
  const crop = crops.find((c) => c.code === code);
  return crop ? (lang() === 'vi' ? crop.nameVi : crop.nameEn) : code;
}

/** The part of a crop the growing-area rules read (server/domain shares them with the registry). */
export function cropRule(crop: Crop): CropRule {
  return { code: crop.code, name_vi: crop.nameVi, crop_type: crop.type, min_area_m2: crop.minAreaM2 };
}
