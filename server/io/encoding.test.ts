import { describe, expect, it } from 'vitest';
import { decodeText, detectEncoding, encodeText, encodingFromLabel, vietnameseScore } from './encoding.ts';

const SAMPLES = [
  'Phường Cao Lãnh',
  'Xã Tân Thuận Tây',
  'Đất trồng lúa nước',
  'Ấp Tân Hậu, Mỹ Trà',
  'Nguyễn Thị Ửng, ỵ ỷ Ở Ữ ĐỒNG THÁP',
  'Xoài Cát Chu',
];

describe('legacy Vietnamese encodings', () => {
  it('TCVN3 known bytes decode to NFC text ("B¶o Th¾ng" → "Bảo Thắng")', () => {
    expect(decodeText(Buffer.from('B¶o Th¾ng', 'latin1'), 'tcvn3')).toBe('Bảo Thắng');
    expect(decodeText(Buffer.from('§Êt', 'latin1'), 'tcvn3')).toBe('Đất');
  });

  it('VNI known bytes decode to NFC text ("Xin chaøo caùc baïn", "Ñoàng Thaùp")', () => {
    expect(decodeText(Buffer.from('Xin chaøo caùc baïn', 'latin1'), 'vni')).toBe('Xin chào các bạn');
    expect(decodeText(Buffer.from('Ñoàng Thaùp', 'latin1'), 'vni')).toBe('Đồng Tháp');
  });

  it.each(['vni', 'windows-1258', 'utf-8'] as const)('%s round-trips every sample exactly', (enc) => {
    for (const s of SAMPLES) expect(decodeText(encodeText(s, enc), enc)).toBe(s.normalize('NFC'));
  });

  it('TCVN3 round-trips text whose toned capitals it can hold', () => {
    for (const s of SAMPLES.slice(0, 4)) expect(decodeText(encodeText(s, 'tcvn3'), 'tcvn3')).toBe(s);
  });

  it.each(['tcvn3', 'vni', 'windows-1258', 'utf-8'] as const)('detects %s from the bytes alone', (enc) => {
    expect(detectEncoding(SAMPLES.map((s) => encodeText(s, enc))).encoding).toBe(enc);
  });

  it('reads .cpg labels', () => {
    expect(encodingFromLabel('UTF-8')).toBe('utf-8');
    expect(encodingFromLabel('65001')).toBe('utf-8');
    expect(encodingFromLabel('TCVN3')).toBe('tcvn3');
    expect(encodingFromLabel('VNI-Windows')).toBe('vni');
    expect(encodingFromLabel('1258')).toBe('windows-1258');
    expect(encodingFromLabel('klingon')).toBeUndefined();
  });

  it('scores well-formed Vietnamese syllables, not mojibake', () => {
    expect(vietnameseScore('Đất trồng lúa nước')).toBe(1);
    expect(vietnameseScore('Ä\u0090áº¥t trá»\u0093ng')).toBeLessThan(0.5);
  });
});
