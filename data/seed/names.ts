// Vietnamese names for people, streets and canals. Family names follow their rough frequency
// in the Mekong delta; given names are common ones. All sample data: any likeness is chance.
import type { Rng } from './random.ts';
import type { Track } from './grid.ts';
import { rng } from './random.ts';

const FAMILY: readonly (readonly [string, number])[] = [
  ['Nguyễn', 31],
  ['Trần', 11],
  ['Lê', 9],
  ['Phạm', 6],
  ['Huỳnh', 6],
  ['Võ', 5],
  ['Phan', 4],
  ['Trương', 3],
  ['Đặng', 2],
  ['Bùi', 2],
  ['Đỗ', 2],
  ['Hồ', 2],
  ['Ngô', 2],
  ['Dương', 2],
  ['Lâm', 2],
  ['Đoàn', 1],
  ['Lý', 1],
  ['Châu', 1],
  ['Tô', 1],
  ['Cao', 1],
  ['Mai', 1],
  ['Thái', 1],
  ['Lương', 1],
];
const MIDDLE_M: readonly (readonly [string, number])[] = [
  ['Văn', 60],
  ['Hữu', 8],
  ['Minh', 8],
  ['Thanh', 6],
  ['Quốc', 5],
  ['Công', 4],
  ['Đức', 4],
  ['Hoàng', 3],
  ['Tấn', 2],
];
const MIDDLE_F: readonly (readonly [string, number])[] = [
  ['Thị', 66],
  ['Ngọc', 9],
  ['Thanh', 6],
  ['Kim', 6],
  ['Thu', 4],
  ['Hồng', 4],
  ['Mỹ', 3],
  ['Bích', 2],
];
const GIVEN_M = [
  'Hùng',
  'Dũng',
  'Tuấn',
  'Nam',
  'Phúc',
  'Lộc',
  'Tài',
  'Hải',
  'Sơn',
  'Long',
  'Bình',
  'Thành',
  'Trung',
  'Hiếu',
  'Nghĩa',
  'Tâm',
  'Cường',
  'Quang',
  'Vũ',
  'Khánh',
  'Tùng',
  'Toàn',
  'Hòa',
  'Phước',
  'Thắng',
  'Đạt',
  'Hậu',
  'Lợi',
  'Tú',
  'Kiệt',
  'Sang',
  'Thiện',
  'Nhân',
  'Trí',
  'Vinh',
  'Hoàng',
  'Minh',
  'Dương',
  'Tín',
  'Nhựt',
];
const GIVEN_F = [
  'Lan',
  'Hoa',
  'Mai',
  'Hạnh',
  'Hương',
  'Hồng',
  'Nga',
  'Thảo',
  'Trang',
  'Linh',
  'Ngọc',
  'Yến',
  'Loan',
  'Thủy',
  'Tuyết',
  'Diễm',
  'Nhung',
  'Phượng',
  'Hằng',
  'Xuân',
  'Cúc',
  'Đào',
  'Vân',
  'Trinh',
  'Thơ',
  'Ánh',
  'Hiền',
  'Lệ',
  'Nhi',
  'Mến',
];

/** A person: full name, sex and birth year (for the citizen id). */
export type Person = { name: string; female: boolean; born: number };

/** A Vietnamese full name such as "Nguyễn Văn Hùng" or "Trần Thị Lan". */
export function person(r: Rng, sex?: 'female' | 'male'): Person {
  const female = sex ? sex === 'female' : r.chance(0.45);
  const family = r.weighted(FAMILY);
  const middle = r.weighted(female ? MIDDLE_F : MIDDLE_M);
  const given = r.pick(female ? GIVEN_F : GIVEN_M);
  return { name: `${family} ${middle} ${given}`, female, born: r.int(1948, 2000) };
}

/**
 * A 12-digit citizen id: province of birth (087 Đồng Tháp), a digit for sex and century
 * (0 man / 1 woman born in the 1900s, 2 / 3 in the 2000s), the year's last two digits, six random digits.
 */
export function citizenId(p: Person, r: Rng): string {
  const century = p.born >= 2000 ? 2 : 0;
  const sex = century + (p.female ? 1 : 0);
  return `087${sex}${String(p.born % 100).padStart(2, '0')}${String(r.int(0, 999_999)).padStart(6, '0')}`;
}

/** A mobile number of a Vietnamese carrier prefix. */
export function phone(r: Rng): string {
  return `${r.pick(['090', '091', '093', '094', '097', '098', '032', '033', '035', '036', '037', '038', '039', '070', '077', '079', '081', '083', '085'])}${String(r.int(0, 9_999_999)).padStart(7, '0')}`;
}

/** Street names for local streets of the urban core (Vietnamese figures and dates, as in every city). */
export const STREETS = [
  'Đường Nguyễn Du',
  'Đường Trần Phú',
  'Đường Hai Bà Trưng',
  'Đường Lê Quý Đôn',
  'Đường Nguyễn Thái Học',
  'Đường Ngô Quyền',
  'Đường Phan Chu Trinh',
  'Đường Nguyễn Văn Cừ',
  'Đường Lê Duẩn',
  'Đường Lê Thánh Tôn',
  'Đường Đinh Bộ Lĩnh',
  'Đường Trần Quốc Toản',
  'Đường Bà Triệu',
  'Đường Thiên Hộ Dương',
  'Đường Đốc Binh Kiều',
  'Đường Nguyễn Quang Diêu',
  'Đường Phạm Ngũ Lão',
  'Đường Cao Thắng',
  'Đường Lý Tự Trọng',
  'Đường Trương Định',
  'Đường Hoàng Diệu',
  'Đường Chi Lăng',
  'Đường Mai Văn Khải',
  'Đường Nguyễn Trung Trực',
  'Đường Võ Trường Toản',
  'Đường Lê Anh Xuân',
  'Đường Ngô Thời Nhậm',
  'Đường Đặng Văn Bình',
  'Đường Nguyễn Thị Minh Khai',
  'Đường 3 Tháng 2',
  'Đường Trần Thị Nhượng',
  'Đường Tản Đà',
  'Đường Hồ Xuân Hương',
  'Đường Phan Bội Châu',
  'Đường Nguyễn Khuyến',
];

const CANALS = [
  'Kênh Ba Hồng',
  'Kênh Tư Mới',
  'Rạch Chùa',
  'Kênh Nhà Thờ',
  'Rạch Bà Mụ',
  'Kênh Mười Thước',
  'Kênh Cái Bần',
  'Rạch Ông Thợ',
  'Kênh Bờ Tre',
  'Kênh Út Thà',
  'Rạch Cây Me',
  'Kênh Hai Ngàn',
  'Kênh Ông Cả',
  'Rạch Đình',
  'Kênh Sáu Hiếu',
  'Kênh Bảy Thước',
  'Rạch Gòn',
  'Kênh Cần Thơ Nhỏ',
  'Kênh Tám Ngàn',
  'Rạch Bà Bướm',
];

/** The name of a corridor: its own, or a stable made-up one for the countryside's many canals and dirt roads. */
export function trackName(seed: number, track: Track, neighbour?: Track): string {
  if (track.name) return track.name;
  const r = rng(seed, 'track-name', track.kind, track.frame, track.local);
  if (track.kind === 'road') {
    if (neighbour && neighbour.kind === 'canal') return `Đường dọc ${trackName(seed, neighbour)}`;
    return r.chance(0.5) ? `Đường liên ấp ${r.int(1, 30)}` : `Đường ĐH ${r.int(60, 99)}`;
  }
  return r.pick(CANALS);
}
