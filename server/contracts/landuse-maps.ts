// The land-use maps (landuse_maps, migration 003) as the style's metadata and GET /api/landuse-maps
// describe them; the web's layer panel switches between them.
import { Type, type Static } from '@sinclair/typebox';

/** status = hiện trạng sử dụng đất (the land as used in a year); plan = quy hoạch sử dụng đất (a period's plan). */
export const LandUseMapKind = Type.Union([Type.Literal('status'), Type.Literal('plan')]);
export type LandUseMapKind = Static<typeof LandUseMapKind>;

/** One land-use map: what the layer panel offers and the style filters the landuse tiles by (`map_id`). */
export const LandUseMap = Type.Object(
  {
    id: Type.Integer({ minimum: 1 }),
    kind: LandUseMapKind,
    name: Type.String(),
    year: Type.Integer({ description: 'Year of a status map; first year of a plan period' }),
    periodTo: Type.Union([Type.Integer(), Type.Null()], { description: 'Last year of a plan period' }),
    decisionNo: Type.Union([Type.String(), Type.Null()], { description: 'Approving decision of a plan' }),
    current: Type.Boolean({ description: 'The map of its kind in force this year (shown when a link names only the kind)' }),
  },
  { additionalProperties: false },
);
export type LandUseMap = Static<typeof LandUseMap>;

/** A map with the land-use codes its areas carry, for its legend. */
export const LandUseMapWithCodes = Type.Composite([LandUseMap, Type.Object({ codes: Type.Array(Type.String()) })], {
  additionalProperties: false,
});
export type LandUseMapWithCodes = Static<typeof LandUseMapWithCodes>;
