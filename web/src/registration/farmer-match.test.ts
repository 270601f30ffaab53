import { describe, expect, it } from 'vitest';
import { farmerLabel, farmerQuery, foldName, matchFarmer, readFarmerText, type FarmerOption } from './farmer-match.ts';

const quang: FarmerOption = { id: 7, lookupCode: 'ND-AEUP-9PN8', fullName: 'Nguyễn Văn Quang', hamlet: 'Ấp Tân Hậu' };
const quang2: FarmerOption = { id: 9, lookupCode: 'ND-7K3M-Q9XP', fullName: 'Nguyễn Văn  Quang', hamlet: 'Ấp Hoà Long' };
const quangMinh: FarmerOption = { id: 8, lookupCode: 'ND-QQQQ-2222', fullName: 'Nguyễn Văn Quang Minh', hamlet: null };
const nameless: FarmerOption = { id: 11, lookupCode: 'ND-ZZZZ-3333', fullName: null, hamlet: null };

describe('reading what was typed in the farmer field', () => {
  it('tells a name, a card code and the list’s “name (code)” apart', () => {
    expect(readFarmerText('   ')).toEqual({ name: null, code: null });
    expect(readFarmerText(' Nguyễn  Văn Quang ')).toEqual({ name: 'Nguyễn Văn Quang', code: null });
    expect(readFarmerText('Nguyễn Văn Quang (ND-AEUP-9PN8)')).toEqual({ name: 'Nguyễn Văn Quang', code: 'ND-AEUP-9PN8' });
    expect(readFarmerText('nd-aeup-9pn8')).toEqual({ name: null, code: 'nd-aeup-9pn8' });
    expect(readFarmerText('NDAEUP9PN8')).toEqual({ name: null, code: 'NDAEUP9PN8' });
    expect(readFarmerText('(ND-AEUP-9PN8)')).toEqual({ name: null, code: 'ND-AEUP-9PN8' });
    // Brackets that hold no card code are part of the name.
    expect(readFarmerText('Lê Thị Hoa (cô Ba)')).toEqual({ name: 'Lê Thị Hoa (cô Ba)', code: null });
  });

  it('folds names without case, diacritics or extra spaces, đ as d', () => {
    expect(foldName('  NGUYỄN   văn  Quang ')).toBe('nguyen van quang');
    expect(foldName('Đặng Thị Ánh')).toBe('dang thi anh');
    // Decomposed input (as some phone keyboards send it) folds the same as composed.
    expect(foldName('Nguye\u0302\u0303n')).toBe(foldName('Nguyễn'));
  });

  it('asks the server for the code in its issued form, or the name', () => {
    expect(farmerQuery('')).toBeNull();
    expect(farmerQuery('ndaeup9pn8')).toBe('ND-AEUP-9PN8');
    expect(farmerQuery('Nguyễn Văn Quang (nd-aeup-9pn8)')).toBe('ND-AEUP-9PN8');
    expect(farmerQuery('Nguyễn Văn Quang')).toBe('Nguyễn Văn Quang');
    expect(farmerQuery('x'.repeat(150))).toHaveLength(100);
  });

  it('labels a farmer as the list shows them', () => {
    expect(farmerLabel(quang)).toBe('Nguyễn Văn Quang (ND-AEUP-9PN8)');
    expect(farmerLabel(nameless)).toBe('ND-ZZZZ-3333');
  });
});

describe('matching the typed text to one farmer', () => {
  it('an empty field names no one and is not an error', () => {
    expect(matchFarmer('  ', [quang])).toEqual({ kind: 'empty' });
  });

  it('a whole name matches without case or diacritics; a longer name containing it does not', () => {
    expect(matchFarmer('nguyen van quang', [quang, quangMinh])).toEqual({ kind: 'one', farmer: quang });
    expect(matchFarmer('NGUYỄN VĂN QUANG MINH', [quang, quangMinh])).toEqual({ kind: 'one', farmer: quangMinh });
  });

  it('two farmers of the same name are both named, never one guessed', () => {
    expect(matchFarmer('Nguyễn Văn Quang', [quang, quang2, quangMinh])).toEqual({ kind: 'many', farmers: [quang, quang2] });
  });

  it('the code decides between namesakes, and a name beside it must be that farmer’s', () => {
    expect(matchFarmer('Nguyễn Văn Quang (ND-7K3M-Q9XP)', [quang, quang2])).toEqual({ kind: 'one', farmer: quang2 });
    expect(matchFarmer('nd7k3mq9xp', [quang, quang2])).toEqual({ kind: 'one', farmer: quang2 });
    expect(matchFarmer('Trần Văn Bé (ND-7K3M-Q9XP)', [quang, quang2])).toEqual({ kind: 'none' });
    expect(matchFarmer('ND-ZZZZ-3333', [nameless])).toEqual({ kind: 'one', farmer: nameless });
  });

  it('a name no candidate has, or a part of a name, is no one', () => {
    expect(matchFarmer('Quang', [quang, quangMinh])).toEqual({ kind: 'none' });
    expect(matchFarmer('Nguyễn Văn Quang', [])).toEqual({ kind: 'none' });
    expect(matchFarmer('Nguyễn Văn Quang', [nameless])).toEqual({ kind: 'none' });
  });

  it('one farmer listed twice (paged answers) is still one', () => {
    expect(matchFarmer('Nguyễn Văn Quang', [quang, { ...quang }])).toEqual({ kind: 'one', farmer: quang });
  });
});
