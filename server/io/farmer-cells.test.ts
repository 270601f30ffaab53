import { describe, expect, it } from 'vitest';
import { farmerCells, notTextKind, withLeadingZeros } from './import.ts';

// A plot row's farmer cells [name, CCCD, phone, hamlet, address] as the import reads them: a hamlet or
// address the registry cannot keep is left out alone, and a name, CCCD or phone that is no text names no one.
describe('farmerCells', () => {
  const cells = (name: unknown, cid: unknown, phone: unknown, hamlet: unknown, address: unknown) =>
    farmerCells([name, cid, phone, hamlet, address]);

  it('leaves out a bad hamlet or address and keeps the farmer it names', () => {
    const read = cells('Kiều Văn Một', '087 123 456 789', null, 'Ấp\u0007 Chuông', 'x'.repeat(301));
    expect(read).toMatchObject({ given: true, name: 'Kiều Văn Một', citizenId: '087123456789', hamlet: null, address: null });
    expect(read.problem).toBeUndefined();
    expect(read.leftOut).toEqual([
      { column: 'farmer_hamlet', rule: 'control' },
      { column: 'farmer_address', rule: 'too-long' },
    ]);
  });

  it('reads each hostile cell by its rule: NUL, C1 control, true, an object, a list; spaces, a number and the cap are fine', () => {
    const hamlet = (v: unknown) => cells('Kiều Văn Hai', null, null, v, null);
    expect(hamlet('Ấp\u0000 1').leftOut).toEqual([{ column: 'farmer_hamlet', rule: 'nul' }]);
    expect(hamlet('Ấp \u009b1').leftOut).toEqual([{ column: 'farmer_hamlet', rule: 'control' }]);
    expect(hamlet(true).leftOut).toEqual([{ column: 'farmer_hamlet', rule: 'not-text' }]);
    expect(hamlet({ ten: 'Ấp 1' }).leftOut).toEqual([{ column: 'farmer_hamlet', rule: 'not-text' }]);
    expect(hamlet(['Ấp 1']).leftOut).toEqual([{ column: 'farmer_hamlet', rule: 'not-text' }]);
    expect(hamlet(Number.NaN).leftOut).toEqual([{ column: 'farmer_hamlet', rule: 'not-text' }]);
    expect(hamlet(12)).toMatchObject({ hamlet: '12', leftOut: [] });
    expect(hamlet(' Ấp\r\n Tân\tHậu ')).toMatchObject({ hamlet: 'Ấp Tân Hậu', leftOut: [] });
    expect(hamlet('   ')).toMatchObject({ hamlet: null, leftOut: [] });
    expect(hamlet('h'.repeat(100))).toMatchObject({ hamlet: 'h'.repeat(100), leftOut: [] });
    expect(hamlet('h'.repeat(101))).toMatchObject({ hamlet: null, leftOut: [{ column: 'farmer_hamlet', rule: 'too-long' }] });
    expect(cells('Kiều Văn Hai', null, null, null, 'a'.repeat(300))).toMatchObject({ address: 'a'.repeat(300), leftOut: [] });
  });

  it('a name, CCCD or phone that is no text names no one, and says which', () => {
    expect(cells(true, null, null, 'Ấp 1', null)).toMatchObject({
      given: true,
      name: null,
      problem: { reason: 'bad-name', rule: 'not-text' },
    });
    expect(cells('Kiều Văn Ba', { so: '087123456789' }, null, null, null).problem).toEqual({ reason: 'bad-citizen-id' });
    expect(cells('Kiều Văn Ba', null, ['0912345678'], null, null).problem).toEqual({ reason: 'bad-phone' });
    expect(cells('Kiều Văn Ba', 187123456789, null, null, null)).toMatchObject({ citizenId: '187123456789', restored: [] });
    // A hamlet left out still comes with the row that names no one.
    expect(cells(null, null, null, true, null)).toMatchObject({ given: false, leftOut: [{ column: 'farmer_hamlet', rule: 'not-text' }] });
  });

  it('puts back the leading 0 a number cell lost when that makes a CCCD or a phone, and says which; text is never altered', () => {
    // A spreadsheet or DBF keeps 087123456789 as 87123456789 and 0912345678 as 912345678.
    expect(cells('Kiều Văn Ba', 87123456789, 912345678, null, null)).toMatchObject({
      citizenId: '087123456789',
      phone: '0912345678',
      restored: ['farmer_citizen_id', 'farmer_phone'],
    });
    expect(cells('Kiều Văn Ba', 87123456789, null, null, null).problem).toBeUndefined();
    // Hà Nội's province code 001 loses two zeros; a landline 02… its one.
    expect(cells('Kiều Văn Ba', 1123456789, 2773812345, null, null)).toMatchObject({
      citizenId: '001123456789',
      phone: '02773812345',
      restored: ['farmer_citizen_id', 'farmer_phone'],
    });
    // The same digits as text are the officer's writing: not altered, an 11-digit ID is still none.
    expect(cells('Kiều Văn Ba', '87123456789', null, null, null).problem).toEqual({ reason: 'bad-citizen-id' });
    expect(cells('Kiều Văn Ba', null, '912345678', null, null)).toMatchObject({ phone: '912345678', restored: [] });
    // A number that a 0 does not make well-formed is read as before: a province code past 096, a CMND,
    // a phone starting 01 or 04/06, a number with 84 in front (+84 is the 0), a fraction.
    expect(cells('Kiều Văn Ba', 97123456789, null, null, null)).toMatchObject({ problem: { reason: 'bad-citizen-id' }, restored: [] });
    expect(cells('Kiều Văn Ba', 341234567, null, null, null)).toMatchObject({ citizenId: '341234567', restored: [] });
    expect(cells('Kiều Văn Ba', null, 412345678, null, null)).toMatchObject({ phone: '412345678', restored: [] });
    expect(cells('Kiều Văn Ba', null, 84912345678, null, null)).toMatchObject({ phone: '0912345678', restored: [] });
    expect(withLeadingZeros(87123456789.5, 'farmer_citizen_id')).toBeNull();
    expect(withLeadingZeros(-912345678, 'farmer_phone')).toBeNull();
    expect(withLeadingZeros(0, 'farmer_phone')).toBeNull();
    expect(withLeadingZeros(true, 'farmer_phone')).toBeNull();
    // A CCCD kept whole as a number (a province code from 100 on does not exist) needs nothing.
    expect(withLeadingZeros(187123456789, 'farmer_citizen_id')).toBeNull();
  });

  it('tells what a cell that is no text is: true/false, an object, a list; text, numbers and dates are text', () => {
    expect([true, false, { ten: 'OM 5451' }, ['OM', '5451']].map(notTextKind)).toEqual(['boolean', 'boolean', 'object', 'list']);
    expect(['OM 5451', 5451, null, undefined, new Date(0)].map(notTextKind)).toEqual([null, null, null, null, null]);
  });
});
