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
