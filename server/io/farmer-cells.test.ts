import { describe, expect, it } from 'vitest';
import { farmerCells } from './import.ts';

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
    // A CCCD a spreadsheet kept as a number has lost its leading 0: 11 digits, no ID.
    expect(cells('Kiều Văn Ba', 87123456789, null, null, null).problem).toEqual({ reason: 'bad-citizen-id' });
    expect(cells('Kiều Văn Ba', 187123456789, null, null, null)).toMatchObject({ citizenId: '187123456789' });
    // A hamlet left out still comes with the row that names no one.
    expect(cells(null, null, null, true, null)).toMatchObject({ given: false, leftOut: [{ column: 'farmer_hamlet', rule: 'not-text' }] });
  });
});
