import { describe, expect, it } from 'vitest';
import { PUBLIC_NOTE_REASONS, personalNumberIn, publicNoteProblem } from './public-note.ts';

describe('publicNoteProblem', () => {
  it('refuses a reason holding a citizen ID, in every way it is written', () => {
    for (const text of [
      'Hộ Phan Văn Phúc (CCCD 087071411175) phun thuốc cấm',
      'CCCD: 087 071 411 175, phun thuốc cấm',
      'CCCD 087.071.411.175 phun thuốc cấm',
      'số định danh 0870 7141 1175',
      'CCCD087071411175 vi phạm',
      'CCCD 087071411175 2 lần vi phạm',
    ]) {
      expect(publicNoteProblem(text), text).toBe(PUBLIC_NOTE_REASONS.CITIZEN_ID);
    }
  });

  it('refuses a reason holding a Vietnamese phone number, mobile or landline, with or without the country code', () => {
    for (const text of [
      'Hộ Phan Văn Phúc (SĐT 0384207372) phun thuốc cấm',
      'SĐT 0384 207 372',
      'ĐT: 0384.207.372',
      'liên hệ 0384-207-372',
      'gọi +84 384 207 372',
      'gọi +84384207372',
      'gọi (+84) 384 207 372',
      'gọi 84 384 207 372',
      'gọi 84384207372',
      'gọi +84 0384 207 372',
      'máy bàn 028 3829 1234',
      'máy bàn 02838291234',
      'SĐT0912345678 vi phạm',
    ]) {
      expect(publicNoteProblem(text), text).toBe(PUBLIC_NOTE_REASONS.PHONE);
    }
  });

  it('names the number as it was written', () => {
    expect(personalNumberIn('Hộ ông A, SĐT 0384 207 372, vi phạm')).toEqual({ kind: 'personal-phone', written: '0384 207 372' });
    expect(personalNumberIn('CCCD 087.071.411.175')).toEqual({ kind: 'personal-citizen-id', written: '087.071.411.175' });
  });

  it('keeps decision numbers, dates, areas, sums and codes', () => {
    for (const text of [
      'Theo Quyết định 45/QĐ-SNN ngày 30/11/2026',
      'Công văn 3156/QĐ-BNN-TT và 12/2024/QĐ-UBND',
      'Kiểm tra ngày 30.11.2026 08.30, lấy mẫu ngày 2026-11-28',
      'Diện tích 12,5 ha, còn 1.250 m² chưa đạt',
      'Phạt 1.000.000.000.000 đồng',
      'Mã VN-87-866-29872-01-25 dùng sai cho lô hàng',
      'Mã VN-84-866-29872-01-25 dùng sai',
      'Mã PUC VN-DTOR-0001 hết hạn',
      'Thửa 101, 102, 103 và 104 tờ bản đồ số 12',
      'Dư lượng 0,05 mg/kg vượt MRL 0,01 mg/kg',
      'Phun thuốc cấm trong vụ 2026',
    ]) {
      expect(publicNoteProblem(text), text).toBeNull();
    }
  });

  it('refuses a reason holding an old 9-digit identity card number (CMND), whole or in threes', () => {
    for (const text of [
      'Hộ Phan Văn Phúc (CMND 341234567) phun thuốc cấm',
      'CMND số 341 234 567 cấp ngày 12/5/2005',
      'CMND: 341.234.567, dùng mã sai',
      'chứng minh nhân dân 341-234-567',
      'CMT 012345678 của chủ hộ',
      'cmnd 381234567',
      'CMND341234567 vi phạm',
      'CMND 341234567 2 lần vi phạm',
      'CMND 341234567 mà vẫn phun thuốc cấm',
      'Hộ ông Phúc (341234567) phun thuốc cấm',
    ]) {
      expect(personalNumberIn(text), text).toMatchObject({ kind: PUBLIC_NOTE_REASONS.CITIZEN_ID });
      expect(publicNoteProblem(text), text).toBe(PUBLIC_NOTE_REASONS.CITIZEN_ID);
    }
    expect(personalNumberIn('CMND số 341 234 567 cấp năm 2005')).toEqual({ kind: 'personal-citizen-id', written: '341 234 567' });
    expect(personalNumberIn('CMND: 341.234.567')).toEqual({ kind: 'personal-citizen-id', written: '341.234.567' });
  });

  it('names a CCCD or a phone number as such, not as the CMND its middle digits look like', () => {
    expect(personalNumberIn('CCCD 087 071 411 175')).toEqual({ kind: 'personal-citizen-id', written: '087 071 411 175' });
    expect(personalNumberIn('gọi 84 384 207 372')).toEqual({ kind: 'personal-phone', written: '84 384 207 372' });
    expect(personalNumberIn('CMND 341234567, SĐT 0384207372')).toMatchObject({ kind: 'personal-phone' });
  });

  it('keeps 9-digit sums, areas, parcel lists, codes and numbers that are no identity card', () => {
    for (const text of [
      'Phạt 150.000.000 đồng',
      'Phạt 150.000.000',
      'Phạt 125 500 000 và đình chỉ',
      'Thu hồi 341.234.567 đ tiền hỗ trợ',
      'Hoàn trả 341234567đ',
      'Hỗ trợ 341 234 567 VNĐ',
      'Giá trị lô hàng USD 341.234.567',
      'Lô hàng $ 341 234 567',
      'Tổng 1.234.567.890 đồng',
      'Doanh thu 1.341.234.567',
      'Diện tích 341.234.567,5 m²',
      'Diện tích 1.234,5 m²',
      'Sản lượng 341 234 567 kg',
      'Các thửa 123 456 789 tờ bản đồ số 12',
      'Thửa số 215 216 217 thuộc tờ 45',
      'Thửa 101, 102, 103 và 104',
      'Theo Quyết định 123/QĐ-UBND ngày 30/11/2026',
      'Công văn 341234567/QĐ-SNN',
      'Mã 87-866-29872-01-25 dùng sai',
      'Mã VN-34-123-456789-01-25 dùng sai',
      'Mã số thuế 1400123456 của HTX',
      'Mẫu số 390123456 (không phải mã tỉnh)',
      'Mẫu số 001234567',
      'Kiểm tra lúc 08 30 ngày 30 11 2026',
    ]) {
      expect(publicNoteProblem(text), text).toBeNull();
    }
  });

  it('answers at once for a reason of 2,000 characters of digit groups (it was seconds: every run of groups tried)', () => {
    for (const text of ['a ' + '1 '.repeat(999), 'a ' + '12 '.repeat(660), 'a ' + '5.'.repeat(999), 'thửa ' + '512 '.repeat(498)]) {
      const started = performance.now();
      expect(publicNoteProblem(text.slice(0, 2000))).toBeNull();
      expect(performance.now() - started).toBeLessThan(500);
    }
    // A number at the end of such a run is still found.
    expect(publicNoteProblem('a ' + '1 '.repeat(900) + '0384 207 372')).toBe(PUBLIC_NOTE_REASONS.PHONE);
  });

  it('refuses a reason without a letter: emoji, digits or punctuation only', () => {
    for (const text of ['😡😡😡', '🙂', '1234', '...', '  ', '45/2026']) {
      expect(publicNoteProblem(text), text).toBe(PUBLIC_NOTE_REASONS.NO_LETTER);
    }
    expect(PUBLIC_NOTE_REASONS.NO_LETTER).toBe('name-no-letter');
  });

  it('keeps a Vietnamese reason with every diacritic, and one with an emoji beside its words', () => {
    expect(publicNoteProblem('Vi phạm quy định về thuốc bảo vệ thực vật; đã lập biên bản.')).toBeNull();
    expect(publicNoteProblem('Phun thuốc cấm 😡')).toBeNull();
  });
});
