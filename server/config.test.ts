import { describe, expect, it } from 'vitest';
import { exposureNote, loadConfig } from './config.ts';

describe('where the server listens', () => {
  it('binds this computer only unless HOST says otherwise: the sample accounts’ passwords are public', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: ' 0.0.0.0 ' }).host).toBe('0.0.0.0');
  });

  it('says at start who can reach it, and warns when the network can and the sample data may be loaded', () => {
    expect(exposureNote('127.0.0.1', true)).toBe('Only this computer can open it; HOST=0.0.0.0 opens it to the network.');
    expect(exposureNote('0.0.0.0', true)).toMatch(/^Listening on 0\.0\.0\.0: .*sample accounts’? ?.*passwords are in the README/);
    expect(exposureNote('0.0.0.0', false)).toBe('Listening on 0.0.0.0: other computers and phones on the network can open it.');
  });
});

describe('the sweep of unclaimed decision scans', () => {
  it('waits 24 hours by default; UNCLAIMED_DOCUMENT_HOURS sets it, 0 included, and anything but whole hours is refused', () => {
    expect(loadConfig({}).unclaimedDocumentHours).toBe(24);
    expect(loadConfig({ UNCLAIMED_DOCUMENT_HOURS: '0' }).unclaimedDocumentHours).toBe(0);
    expect(loadConfig({ UNCLAIMED_DOCUMENT_HOURS: '72' }).unclaimedDocumentHours).toBe(72);
    for (const bad of ['-1', '1.5', 'day', '9000']) {
      expect(() => loadConfig({ UNCLAIMED_DOCUMENT_HOURS: bad }), bad).toThrow(/UNCLAIMED_DOCUMENT_HOURS/);
    }
  });
});
