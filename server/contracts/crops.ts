// The crop catalogue as GET /api/crops answers it (STYLE.md §4: the schema is the type the web imports).
import { Type, type Static } from '@sinclair/typebox';

/** Perennial crops need 1 ha per growing area, annual crops 0.1 ha (Decision 3156/QĐ-BNN-TT). */
export const CropType = Type.Union([Type.Literal('perennial'), Type.Literal('annual')]);
export type CropType = Static<typeof CropType>;

/** One row of the `crops` table (migration 004): code, names in both languages, type and minimum area. */
export const Crop = Type.Object(
  {
    code: Type.String({ description: 'Crop code, e.g. mango' }),
    nameVi: Type.String({ description: 'Vietnamese name, e.g. Xoài' }),
    nameEn: Type.String({ description: 'English name, e.g. Mango' }),
    type: CropType,
    minAreaM2: Type.Number({ description: 'Minimum area of a growing area of this crop, m²' }),
  },
  { additionalProperties: false },
);
export type Crop = Static<typeof Crop>;

/** Body of GET /api/crops. */
export const CropList = Type.Object({ crops: Type.Array(Crop) }, { additionalProperties: false });
export type CropList = Static<typeof CropList>;

/** Query of GET /api/crops: optionally only the crops of one type. */
export const CropListQuery = Type.Object({ type: Type.Optional(CropType) }, { additionalProperties: false });
export type CropListQuery = Static<typeof CropListQuery>;
