import { describe, expect, it } from 'vitest';
import { hasLetter, hasPictograph, isDecisionNo, nameProblem } from './registry-text.ts';

describe('isDecisionNo', () => {
  it('accepts the numbers officers write, in any case and with spaces around the slash', () => {
    for (const no of [
      '45/QĐ-SNN',
      '566/BVTV-KD',
      '3156/QĐ-BNN-TT',
      '12/2024/QĐ-UBND',
      '60/TTBVTV-KD',
      '1234/QĐ-UBND',
      ' 45 / qđ-snn ',
      '45 /QĐ - SNN',
      '7/QĐ.SNN',
      '45/QĐ-SNN'.normalize('NFD'),
    ]) {
      expect(isDecisionNo(no), no).toBe(true);
    }
  });

  it('refuses emoji, words, bare digits and numbers in the wrong shape', () => {
    for (const no of [
      '🙂🙂🙂',
      '45/🙂',
      'abc',
      '1',
      '45',
      '/QĐ-SNN',
      'QĐ/45',
      '45//QĐ',
      '45/QĐ-',
      '45/QĐ--SNN',
      '45/ QĐ SNN',
      '',
      '   ',
      '4'.repeat(7) + '/QĐ',
    ]) {
      expect(isDecisionNo(no), no).toBe(false);
    }
  });
});

describe('hasLetter', () => {
  it('finds a letter of any script', () => {
    for (const name of ['HTX Tân Thuận', 'Đ', 'ấp 3', 'x', '合作社']) expect(hasLetter(name), name).toBe(true);
  });
  it('finds none in emoji, digits, punctuation or spaces', () => {
    for (const name of ['🥭🥭🥭', '🙂', '123', '   ', '--/--', '']) expect(hasLetter(name), name).toBe(false);
  });
});

describe('nameProblem', () => {
  it('keeps Vietnamese names with every diacritic, digits and ordinary punctuation', () => {
    for (const name of [
      'HTX Tân Thuận',
      'Nguyễn Thị Ánh Hồng',
      'Ấp Mỹ Xương 3',
      'ĂÂĐÊÔƠƯ ăâđêôơư àảãáạ ằẳẵắặ ầẩẫấậ èẻẽéẹ ềểễếệ ìỉĩíị òỏõóọ ồổỗốộ ờởỡớợ ùủũúụ ừửữứự ỳỷỹýỵ',
      'Tổ hợp tác (THT) rau an toàn số 2',
      "Công ty TNHH Xoài Cát & Cộng sự, chi nhánh 1/5 - Đồng Tháp. O'Neil",
      'Hợp tác xã'.normalize('NFD'),
    ])
      expect(nameProblem(name), name).toBeNull();
  });

  it('refuses a name with an emoji or another pictograph, however few', () => {
    for (const name of ['HTX 🙂', 'Vườn xoài 🥭', 'Vườn ☀ Tân Thuận', 'HTX ❤️', 'Hộ Lê 👍🏽', 'HTX Việt 🇻🇳', 'Tổ 1️⃣', 'HTX©', 'Trại ™'])
      expect(nameProblem(name), name).toBe('name-pictograph');
  });

  it('says "no letter" first for a name made of pictographs or digits only', () => {
    for (const name of ['🙂', '🥭🥭🥭', '123', '   ']) expect(nameProblem(name), name).toBe('name-no-letter');
  });

  it('hasPictograph finds none in digits, # or *, which are emoji only with a keycap', () => {
    expect(hasPictograph('Số 12 #3 *')).toBe(false);
    expect(hasPictograph('#️⃣')).toBe(true);
  });
});
