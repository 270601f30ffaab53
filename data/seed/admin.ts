// Administrative units of Thành phố Cao Lãnh and what became of them (DOMAIN.md, reference notes
// §1.3.2): the 13 units of 01/03/2025, the units merged on 01/01/2025 (Phường 2 into Phường 1,
// Phường 11 and Xã Mỹ Ngãi into Phường Mỹ Ngãi), and the three wards of 01/07/2025.

/** When the pre-2025 units were created is not recorded here; the nominal start only has to precede every record. */
export const NOMINAL_START = '2000-01-01';
/** The date parcel records refer to their commune code: the 13-unit list of 01/03/2025. */
export const PARCEL_REF_DATE = '2025-03-01';
export const MERGER_2025_01 = '2025-01-01';
export const MERGER_2025_07 = '2025-07-01';
export const NQ_1663 = 'Nghị quyết 1663/NQ-UBTVQH15 ngày 16/06/2025';

/** Farming character of a unit: weights of the land uses of its fields. */
export type Mix = readonly (readonly [string, number])[];

const MANGO: Mix = [
  ['CLN', 0.58],
  ['LUC', 0.24],
  ['HNK', 0.08],
  ['NTS', 0.06],
  ['LUK', 0.04],
];
const RICE: Mix = [
  ['LUC', 0.64],
  ['CLN', 0.18],
  ['HNK', 0.08],
  ['NTS', 0.06],
  ['LUK', 0.04],
];
const ISLAND: Mix = [
  ['CLN', 0.46],
  ['HNK', 0.24],
  ['LUC', 0.14],
  ['NTS', 0.16],
];
const SUBURB: Mix = [
  ['CLN', 0.4],
  ['LUC', 0.28],
  ['HNK', 0.2],
  ['NTS', 0.08],
  ['LUK', 0.04],
];

/** One of the 13 units of the city as of 01/03/2025, where parcels are keyed. */
export type CityUnit = {
  code: string;
  name: string;
  /** Phường keep urban residential land (ODT), xã rural (ONT). */
  urban: boolean;
  /** Where its cells gather (lon, lat) and how far it reaches relative to the others. */
  seed: readonly [number, number];
  weight: number;
  mix: Mix;
  /** Code of the 2025 ward it went into. */
  ward: string;
  valid_from: string;
  /** Hamlets (ấp) or quarters (khóm); the first one gathers at the unit's seed. */
  hamlets: string[];
};

const khom = (n: number) => Array.from({ length: n }, (_, i) => `Khóm ${i + 1}`);
const ap = (n: number) => Array.from({ length: n }, (_, i) => `Ấp ${i + 1}`);

export const CITY_UNITS: readonly CityUnit[] = [
  {
    code: '29869',
    name: 'Phường 1',
    urban: true,
    seed: [105.6335, 10.4585],
    weight: 0.55,
    mix: SUBURB,
    ward: '29869',
    valid_from: MERGER_2025_01,
    hamlets: khom(6),
  },
  {
    code: '29872',
    name: 'Phường 4',
    urban: true,
    seed: [105.619, 10.463],
    weight: 0.6,
    mix: SUBURB,
    ward: '29869',
    valid_from: NOMINAL_START,
    hamlets: khom(4),
  },
  {
    code: '29875',
    name: 'Phường 3',
    urban: true,
    seed: [105.647, 10.4515],
    weight: 0.6,
    mix: SUBURB,
    ward: '29869',
    valid_from: NOMINAL_START,
    hamlets: khom(4),
  },
  {
    code: '29878',
    name: 'Phường 6',
    urban: true,
    seed: [105.616, 10.444],
    weight: 0.75,
    mix: SUBURB,
    ward: '29869',
    valid_from: NOMINAL_START,
    hamlets: khom(4),
  },
  {
    code: '29892',
    name: 'Phường Hòa Thuận',
    urban: true,
    seed: [105.6475, 10.47],
    weight: 0.7,
    mix: SUBURB,
    ward: '29869',
    valid_from: NOMINAL_START,
    hamlets: khom(4),
  },
  {
    code: '29893',
    name: 'Xã Hòa An',
    urban: false,
    seed: [105.598, 10.458],
    weight: 1,
    mix: MANGO,
    ward: '29869',
    valid_from: NOMINAL_START,
    hamlets: ['Ấp Đông Bình', ...ap(4)],
  },
  {
    code: '29899',
    name: 'Xã Tịnh Thới',
    urban: false,
    seed: [105.625, 10.415],
    weight: 1,
    mix: ISLAND,
    ward: '29869',
    valid_from: NOMINAL_START,
    hamlets: ap(4),
  },
  {
    code: '29890',
    name: 'Xã Tân Thuận Tây',
    urban: false,
    seed: [105.668, 10.4635],
    weight: 1,
    mix: MANGO,
    ward: '29869',
    valid_from: NOMINAL_START,
    hamlets: ['Ấp Tân Hậu', 'Ấp Tân Dinh', 'Ấp Tân Phát', 'Ấp Tân Thuận'],
  },
  {
    code: '29896',
    name: 'Xã Tân Thuận Đông',
    urban: false,
    seed: [105.694, 10.48],
    weight: 1,
    mix: RICE,
    ward: '29869',
    valid_from: NOMINAL_START,
    hamlets: ap(5),
  },
  {
    code: '29881',
    name: 'Phường Mỹ Ngãi',
    urban: true,
    seed: [105.604, 10.49],
    weight: 1,
    mix: MANGO,
    ward: '29884',
    valid_from: MERGER_2025_01,
    hamlets: ['Khóm Mỹ Ngãi', ...khom(5)],
  },
  {
    code: '29884',
    name: 'Xã Mỹ Tân',
    urban: false,
    seed: [105.628, 10.505],
    weight: 1,
    mix: RICE,
    ward: '29884',
    valid_from: NOMINAL_START,
    hamlets: ap(5),
  },
  {
    code: '29887',
    name: 'Xã Mỹ Trà',
    urban: false,
    seed: [105.666, 10.495],
    weight: 1,
    mix: RICE,
    ward: '29888',
    valid_from: NOMINAL_START,
    hamlets: ap(5),
  },
  {
    code: '29888',
    name: 'Phường Mỹ Phú',
    urban: true,
    seed: [105.638, 10.478],
    weight: 0.7,
    mix: SUBURB,
    ward: '29888',
    valid_from: NOMINAL_START,
    hamlets: khom(5),
  },
];

/** Units merged on 01/01/2025 into one of the 13 above; their area is split off the successor's cells. */
export type EarlierUnit = { code: string; name: string; urban: boolean; successor: string; seed: readonly [number, number] };

export const EARLIER_UNITS: readonly EarlierUnit[] = [
  // 29869 meant Phường 2 until 2025; the old Phường 1 was 29866 (dvhcvn v20241101).
  { code: '29869', name: 'Phường 2', urban: true, successor: '29869', seed: [105.629, 10.4555] },
  { code: '29866', name: 'Phường 1', urban: true, successor: '29869', seed: [105.637, 10.461] },
  { code: '29863', name: 'Phường 11', urban: true, successor: '29881', seed: [105.611, 10.48] },
  { code: '29881', name: 'Xã Mỹ Ngãi', urban: false, successor: '29881', seed: [105.6, 10.495] },
];

/** The wards of 01/07/2025. */
export const WARDS_2025: readonly { code: string; name: string }[] = [
  { code: '29869', name: 'Phường Cao Lãnh' },
  { code: '29884', name: 'Phường Mỹ Ngãi' },
  { code: '29888', name: 'Phường Mỹ Trà' },
];

/** City centre (the old Phường 1 market), where the urban core gathers. */
export const CITY_CENTRE: readonly [number, number] = [105.632, 10.46];

/** City outline in lon/lat; with the river rows it bounds the mainland cells of the city. */
export const CITY_OUTLINE: readonly (readonly [number, number])[] = [
  [105.589, 10.395],
  [105.713, 10.457],
  [105.713, 10.5],
  [105.684, 10.514],
  [105.632, 10.518],
  [105.598, 10.508],
  [105.589, 10.492],
];

/** Where the island of Tịnh Thới lies along the river (u range in metres of the frame). */
export const ISLAND_U: readonly [number, number] = [-5600, -600];

/** Unit mix of the synthetic communes that extend the map for province-scale benchmarks. */
export const SYNTHETIC_MIX: Mix = RICE;
