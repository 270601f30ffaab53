import type { Polygon } from 'geojson';
import { afterEach, describe, expect, it } from 'vitest';
import { buildEudrGeoJson, type EudrPlotInput } from '../../../server/domain/eudr.ts';
import { HttpError } from '../api/http.ts';
import { startLang } from '../i18n/i18n.ts';
import { documentFileName, documentRefusalText, documentUrl, eudrProblemsText } from './area-documents.ts';
import { retryDelay, UPLOAD_ATTEMPTS } from './decision-attachments.ts';

// The i18n module sets <html lang>; a bare object stands in for the document here.
(globalThis as { document?: unknown }).document ??= { documentElement: {} };
afterEach(() => startLang('vi'));

const square: Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      [105.6, 10.45],
      [105.601, 10.45],
      [105.601, 10.451],
      [105.6, 10.451],
      [105.6, 10.45],
    ],
  ],
};
// Its corners joined in the wrong order: the boundary crosses itself.
const bowtie: Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      [105.6, 10.45],
      [105.601, 10.451],
      [105.601, 10.45],
      [105.6, 10.451],
      [105.6, 10.45],
    ],
  ],
};
const plot = (plotId: number, geometry: Polygon): EudrPlotInput => ({
  plotId,
  producerName: 'Nguyễn Văn A',
  producerCountry: 'VN',
  productionPlace: 'ấp Tân Hậu, Phường Cao Lãnh, Đồng Tháp',
  areaHa: 1.2,
  geometry,
});

/** The registry's 422 for these plots, as eudrExport builds it (server/registry/exports.service.ts). */
function refusal(plots: EudrPlotInput[]): HttpError {
  const built = buildEudrGeoJson(plots);
  if (built.valid) throw new Error('expected the EUDR check to refuse these plots');
  return new HttpError(422, 'The EUDR file would not pass: …', { code: 'VALIDATION_FAILED', problems: built.problems }, undefined);
}

describe('area documents', () => {
  it('asks the registry for each document of the area, the EUDR file as points or polygons', () => {
    expect(documentUrl(41, 'html')).toBe('/api/growing-areas/41/profile.html');
    expect(documentUrl(41, 'csv')).toBe('/api/growing-areas/41/profile.csv');
    expect(documentUrl(41, 'geojson')).toBe('/api/growing-areas/41/profile.geojson');
    expect(documentUrl(41, 'eudr', 'points')).toBe('/api/growing-areas/41/eudr.geojson?points=true');
    expect(documentUrl(41, 'eudr')).toBe('/api/growing-areas/41/eudr.geojson?points=false');
  });

  it('names files by the code, the version after a re-issue and the EUDR drawing; by number without a code', () => {
    expect(documentFileName({ id: 41, code: 'VN-82-29869-07-26', version_no: 1 }, 'csv')).toBe('VN-82-29869-07-26.csv');
    expect(documentFileName({ id: 41, code: 'VN-82-29869-07-26', version_no: 3 }, 'geojson')).toBe('VN-82-29869-07-26-v3.geojson');
    expect(documentFileName({ id: 41, code: 'VN-DTOR-0095' }, 'eudr', 'points')).toBe('VN-DTOR-0095-eudr-points.geojson');
    expect(documentFileName({ id: 41, code: null, version_no: 2 }, 'eudr', 'polygons')).toBe('growing-area-41-v2-eudr-polygons.geojson');
    // An old record's code with a slash or spaces still makes a portable name.
    expect(documentFileName({ id: 7, code: '12/ĐT vùng 3' }, 'csv')).toBe('12-T-v-ng-3.csv');
  });

  it('an area without plots is refused in words, not in the server English', () => {
    expect(documentRefusalText('eudr', refusal([]))).toBe('Không tải được tệp EUDR: vùng trồng chưa có thửa nào để khai báo.');
    startLang('en');
    expect(documentRefusalText('eudr', refusal([]))).toBe('Could not download the EUDR file: the area has no plots to declare.');
  });

  it('plots the EUDR check refuses are named with the rule they break', () => {
    const error = refusal([plot(12, square), plot(15, bowtie), plot(16, bowtie)]);
    expect(documentRefusalText('eudr', error)).toBe('Không tải được tệp EUDR: thửa 15, 16: ranh thửa tự cắt nhau');
    startLang('en');
    expect(eudrProblemsText((error.problem as { problems: never[] }).problems)).toBe('plot 15, 16: the boundary crosses itself');
    // Plots nothing names a producer for (no farmer, no area's registrant): named, with what to do.
    const unnamed = ['681', '682'].map((plotId) => ({ plotId, reason: 'no-producer', message: `Plot ${plotId} has no farmer…` }));
    expect(eudrProblemsText(unnamed)).toBe(
      'plot 681, 682: no farmer, and no growing area’s registrant to name as producer: give the plot a farmer, or add it to a growing area',
    );
    startLang('vi');
    expect(eudrProblemsText(unnamed)).toMatch(/^thửa 681, 682: chưa có nông hộ .*đưa thửa vào một vùng trồng$/);
    startLang('en');
    // A rule this client does not know yet is given in the server's own words.
    expect(eudrProblemsText([{ plotId: '3', reason: 'new-rule', message: 'Plot 3: something new.' }])).toBe('Plot 3: something new.');
  });

  it('other refusals read as the card words them (signed out, another commune, offline)', () => {
    expect(documentRefusalText('csv', new HttpError(401, 'Sign in', { code: 'UNAUTHENTICATED' }, undefined))).toBe(
      'Không tải được tệp CSV: phiên đăng nhập đã hết: hãy đăng nhập lại.',
    );
    expect(documentRefusalText('geojson', new HttpError(403, 'no', { code: 'FORBIDDEN' }, undefined))).toBe(
      'Không tải được tệp GeoJSON: bạn không phụ trách xã/phường của vùng trồng này.',
    );
    expect(documentRefusalText('eudr', new HttpError(0, 'offline', undefined, undefined))).toContain('không có kết nối mạng');
  });
});

describe('a decision scan whose upload failed is tried again', () => {
  it('after 1, 3 and 8 seconds, four attempts in all, unless the server said when (capped at 30 s)', () => {
    expect(UPLOAD_ATTEMPTS).toBe(4);
    expect([1, 2, 3].map((attempt) => retryDelay(attempt, null))).toEqual([1_000, 3_000, 8_000]);
    expect(retryDelay(1, '5')).toBe(5_000);
    expect(retryDelay(1, ' 0 ')).toBe(0);
    expect(retryDelay(2, '3600')).toBe(30_000);
    const now = Date.parse('2026-11-30T10:00:00Z');
    expect(retryDelay(1, 'Mon, 30 Nov 2026 10:00:12 GMT', now)).toBe(12_000);
    expect(retryDelay(1, 'Mon, 30 Nov 2026 09:00:00 GMT', now)).toBe(0);
    // A header that is neither seconds nor a date: the backoff.
    expect(retryDelay(2, 'soon', now)).toBe(3_000);
  });
});
