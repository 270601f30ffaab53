import { FormatRegistry } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { InspectionBody, PhotoQuery } from '../../../server/contracts/registry.ts';
import { CHECKLIST_ITEMS } from '../../../server/domain/growing-area-lifecycle.ts';
import { ANONYMOUS, type Viewer } from '../../../server/contracts/viewer.ts';
import { recordInspection } from '../../../server/registry/inspections.service.ts';
import { HttpError } from '../api/http.ts';
import {
  checkInspectionInput,
  failedUnderPass,
  inspectableOf,
  photoQuery,
  refusalOf,
  vietnamToday,
  type InspectionValues,
} from './inspection-input.ts';

// The schemas' string formats, as Fastify's validator reads them (TypeBox's Value knows none by itself).
FormatRegistry.Set('date', (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)));
FormatRegistry.Set('date-time', (v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v));

const officer: Viewer = { ...ANONYMOUS, userId: 7, role: 'officer' };

/** The server's own refusal of an inspection of an area in `status`. */
async function serverRefusal(status: string): Promise<unknown> {
  // A database that only answers the insert: the rule under test decides before any SQL is sent.
  const tx = { query: async () => ({ rows: [{ id: 1 }], rowCount: 1 }) } as unknown as Parameters<typeof recordInspection>[0];
  try {
    await recordInspection(tx, officer, { id: 5, status }, { inspectedOn: '2026-03-01', checklist: [] });
    return undefined;
  } catch (error) {
    return error;
  }
}

/** Every item left "Chưa xét", as the form opens. */
const untouched = (): InspectionValues['checklist'] => CHECKLIST_ITEMS.map((c) => ({ item: c.vi, verdict: 'unchecked', note: '' }));

/** A form as an officer fills it: dated, its first item passed (at least one must be looked at). */
const values = (over: Partial<InspectionValues> = {}): InspectionValues => ({
  inspectedOn: '2026-03-01',
  conclusion: '',
  notes: '',
  checklist: untouched().map((c, i) => (i === 0 ? { ...c, verdict: 'ok' } : c)),
  ...over,
});

describe('the statuses a refusal names', () => {
  it('the statuses of a 409 inspection-not-allowed are read from the refusal', async () => {
    const refusal = await serverRefusal('draft');
    const error = new HttpError(409, 'x', { ...(refusal as { details?: object }).details, reason: 'inspection-not-allowed' }, undefined);
    const listed = inspectableOf(error);
    expect(listed).toContain('under_inspection');
    expect(inspectableOf(new HttpError(409, 'x', { reason: 'code-taken' }, undefined))).toBeUndefined();
  });
});

describe("today's date on Vietnam's clock", () => {
  it('turns at 17:00 UTC (midnight in Cao Lãnh), whatever the device zone', () => {
    expect(vietnamToday(new Date('2026-01-01T16:59:59Z'))).toBe('2026-01-01');
    expect(vietnamToday(new Date('2026-01-01T17:00:00Z'))).toBe('2026-01-02');
    expect(vietnamToday(new Date('2025-12-31T23:30:00-05:00'))).toBe('2026-01-01');
  });
});

describe('the inspection form', () => {
  it('sends only the items looked at, with trimmed notes, as a body the server schema accepts', () => {
    const checklist = values().checklist.map((c, i) =>
      i === 0 ? { ...c, verdict: 'ok' as const } : i === 3 ? { ...c, verdict: 'not-ok' as const, note: '  thiếu sổ  ' } : c,
    );
    const verdict = checkInspectionInput(values({ checklist, notes: ' Vườn sạch cỏ ', conclusion: 'fail' }), '2026-03-02');
    expect(verdict).toEqual({
      valid: true,
      body: {
        inspectedOn: '2026-03-01',
        conclusion: 'fail',
        notes: 'Vườn sạch cỏ',
        checklist: [
          { item: CHECKLIST_ITEMS[0]!.vi, ok: true },
          { item: CHECKLIST_ITEMS[3]!.vi, ok: false, note: 'thiếu sổ' },
        ],
      },
    });
    expect(verdict.valid && Value.Check(InspectionBody, verdict.body)).toBe(true);
  });

  it('no conclusion is sent as null, which the server stores as an inspection without a verdict', () => {
    const verdict = checkInspectionInput(values(), '2026-03-01');
    expect(verdict.valid && verdict.body).toEqual({
      inspectedOn: '2026-03-01',
      checklist: [{ item: CHECKLIST_ITEMS[0]!.vi, ok: true }],
      conclusion: null,
    });
    expect(verdict.valid && Value.Check(InspectionBody, verdict.body)).toBe(true);
  });

  it('every item left “Chưa xét” is refused before any request, whatever the conclusion and notes, as the server refuses it', async () => {
    for (const over of [{}, { conclusion: 'pass' as const }, { conclusion: 'fail' as const, notes: 'Đã đến vườn' }]) {
      expect(checkInspectionInput(values({ ...over, checklist: untouched() }), '2026-03-01'), JSON.stringify(over)).toEqual({
        valid: false,
        problems: ['nothing-reviewed'],
      });
    }
    // With a date problem too, both are said.
    expect(checkInspectionInput(values({ inspectedOn: '', checklist: untouched() }), '2026-03-01')).toEqual({
      valid: false,
      problems: ['date-required', 'nothing-reviewed'],
    });
    // One item looked at, passed or failed, is enough.
    for (const verdict of ['ok', 'not-ok'] as const) {
      const checklist = untouched().map((c, i) => (i === 5 ? { ...c, verdict } : c));
      expect(checkInspectionInput(values({ checklist, conclusion: 'fail' }), '2026-03-01').valid).toBe(true);
    }
    // The server's own rule for the inspections endpoint says the same of the body the form would send.
    const tx = { query: async () => ({ rows: [{ id: 1 }], rowCount: 1 }) } as unknown as Parameters<typeof recordInspection>[0];
    const body = { inspectedOn: '2026-03-01', checklist: [], conclusion: null };
    const refused = await recordInspection(tx, officer, { id: 5, status: 'under_inspection' }, body, null, { someReviewed: true }).catch(
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ code: 'VALIDATION_FAILED', details: { reason: 'inspection-nothing-reviewed', field: 'checklist' } });
  });

  it('a missing, impossible or future date is refused before any request', () => {
    expect(checkInspectionInput(values({ inspectedOn: ' ' }), '2026-03-01')).toEqual({ valid: false, problems: ['date-required'] });
    expect(checkInspectionInput(values({ inspectedOn: '2026-02-30' }), '2026-03-01')).toEqual({ valid: false, problems: ['date-invalid'] });
    expect(checkInspectionInput(values({ inspectedOn: '2026-03-02' }), '2026-03-01')).toEqual({
      valid: false,
      problems: ['date-in-future'],
    });
    // A slip of the year, refused as the server would (date-too-early).
    expect(checkInspectionInput(values({ inspectedOn: '1026-03-01' }), '2026-03-01')).toEqual({
      valid: false,
      problems: ['date-too-early'],
    });
    expect(checkInspectionInput(values({ inspectedOn: '1900-01-01' }), '2026-03-01').valid).toBe(true);
  });

  it('notes beyond the server limits are refused', () => {
    const long = values({ notes: 'x'.repeat(4001) });
    expect(checkInspectionInput(long, '2026-03-01')).toEqual({ valid: false, problems: ['notes-too-long'] });
    const item = values({ checklist: [{ item: 'a', verdict: 'ok', note: 'y'.repeat(1001) }] });
    expect(checkInspectionInput(item, '2026-03-01')).toEqual({ valid: false, problems: ['item-note-too-long'] });
  });
});

describe('the upload query', () => {
  const here = { lon: 105.63214567, lat: 10.45678912, accuracy: 8 };
  const noExif = null;

  it("sends the phone's position and the file time when the photo carries neither, in a query the server accepts", () => {
    const query = photoQuery(noExif, here, Date.UTC(2026, 2, 1, 2, 15));
    expect(query).toBe('?lon=105.6321457&lat=10.4567891&takenAt=2026-03-01T02%3A15%3A00.000Z');
    const parsed = Object.fromEntries(new URLSearchParams(query));
    expect(Value.Check(PhotoQuery, { lon: Number(parsed.lon), lat: Number(parsed.lat), takenAt: parsed.takenAt })).toBe(true);
  });

  it("leaves the photo's own GPS and capture time to the server (a query position would win over them)", () => {
    expect(photoQuery({ lon: 105.6, lat: 10.4, takenAt: '2026-03-01T09:15:00+07:00' }, here, Date.now())).toBe('');
    expect(photoQuery({ lon: 105.6, lat: 10.4, takenAt: null }, here, 0)).toBe('');
  });

  it('without a position from the browser, the photo goes without one', () => {
    expect(photoQuery(noExif, undefined, undefined)).toBe('');
  });
});

describe('refusals', () => {
  const problem = (status: number, body: Record<string, unknown> = {}) => new HttpError(status, 'English detail', body, undefined);

  it('are told apart by status and reason, never by the English detail', () => {
    expect(refusalOf(problem(0))).toBe('offline');
    expect(refusalOf(problem(401))).toBe('signed-out');
    expect(refusalOf(problem(403))).toBe('forbidden');
    expect(refusalOf(problem(404))).toBe('gone');
    expect(refusalOf(problem(409, { code: 'CONFLICT', reason: 'inspection-not-allowed' }))).toBe('not-allowed');
    expect(refusalOf(problem(413, { code: 'PAYLOAD_TOO_LARGE' }))).toBe('too-large');
    expect(refusalOf(problem(415, { code: 'UNSUPPORTED_MEDIA_TYPE' }))).toBe('not-image');
    expect(refusalOf(problem(422, { code: 'VALIDATION_FAILED' }))).toBe('invalid');
    expect(refusalOf(problem(422, { code: 'VALIDATION_FAILED', reason: 'inspection-pass-with-failed-items', field: 'conclusion' }))).toBe(
      'pass-with-failed-items',
    );
    expect(refusalOf(problem(422, { code: 'VALIDATION_FAILED', reason: 'inspection-nothing-reviewed', field: 'checklist' }))).toBe(
      'nothing-reviewed',
    );
    expect(refusalOf(problem(500))).toBe('server');
    expect(refusalOf(new Error('boom'))).toBe('server');
  });
});

describe('a pass over a failed item', () => {
  it('names the failed items when the conclusion is pass, and nothing otherwise', () => {
    const checklist = [
      { item: 'a', verdict: 'ok' },
      { item: 'b', verdict: 'not-ok' },
      { item: 'c', verdict: 'unchecked' },
      { item: 'd', verdict: 'not-ok' },
    ];
    expect(failedUnderPass('pass', checklist)).toEqual(['b', 'd']);
    expect(failedUnderPass('fail', checklist)).toEqual([]);
    expect(failedUnderPass('', checklist)).toEqual([]);
    expect(failedUnderPass('pass', [{ item: 'a', verdict: 'ok' }])).toEqual([]);
  });
});
