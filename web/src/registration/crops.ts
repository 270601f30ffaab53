import type { CropRule } from '../../../server/domain/growing-area-rules.ts';

/** The crop catalogue as migration 004 seeds it (code, names, type); the server's table decides, this fills pickers. */
export const CROPS: readonly CropRule[] = [
  { code: 'mango', name_vi: 'Xoài', crop_type: 'perennial', min_area_m2: null },
  { code: 'longan', name_vi: 'Nhãn', crop_type: 'perennial', min_area_m2: null },
  { code: 'pomelo', name_vi: 'Bưởi', crop_type: 'perennial', min_area_m2: null },
  { code: 'durian', name_vi: 'Sầu riêng', crop_type: 'perennial', min_area_m2: null },
  { code: 'coconut', name_vi: 'Dừa', crop_type: 'perennial', min_area_m2: null },
  { code: 'rice', name_vi: 'Lúa', crop_type: 'annual', min_area_m2: null },
  { code: 'lotus', name_vi: 'Sen', crop_type: 'annual', min_area_m2: null },
  { code: 'vegetable', name_vi: 'Rau màu', crop_type: 'annual', min_area_m2: null },
  { code: 'chili', name_vi: 'Ớt', crop_type: 'annual', min_area_m2: null },
];

/** English crop names for the English UI. */
export const CROP_EN: Readonly<Record<string, string>> = {
  mango: 'Mango',
  longan: 'Longan',
  pomelo: 'Pomelo',
  durian: 'Durian',
  coconut: 'Coconut',
  rice: 'Rice',
  lotus: 'Lotus',
  vegetable: 'Vegetables',
  chili: 'Chili',
};
