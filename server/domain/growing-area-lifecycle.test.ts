import { describe, expect, it } from 'vitest';
import {
  CHECKLIST_ITEMS,
  CODE_IN_FORCE_STATUSES,
  GROWING_AREA_STATUSES,
  acceptsInspection,
  allowedTransitions,
  canReissue,
  checklistItemLabel,
  checkTransition,
  canUndo,
  statusDecisionText,
  statusWithForce,
  transitionRequirements,
  type GrowingAreaStatus,
} from './growing-area-lifecycle.ts';

describe('growing-area lifecycle', () => {
  it('walks a domestic code from draft to revoked through issue and suspension', () => {
    const path: GrowingAreaStatus[] = [
      'draft',
      'submitted',
      'under_inspection',
      'inspected_pass',
      'issued',
      'active',
      'suspended',
      'active',
      'revoked',
    ];
    for (let i = 0; i + 1 < path.length; i++) {
      expect(checkTransition(path[i]!, path[i + 1]!, 'domestic-3156')).toEqual({ valid: true, from: path[i], to: path[i + 1] });
    }
  });

  it('walks an export code through forwarding and the importer approval', () => {
    const path: GrowingAreaStatus[] = ['inspected_pass', 'forwarded', 'approved', 'active'];
    for (let i = 0; i + 1 < path.length; i++) expect(checkTransition(path[i]!, path[i + 1]!, 'export-puc').valid).toBe(true);
  });

  it('keeps issue for domestic codes and forwarding for export codes', () => {
    expect(allowedTransitions('inspected_pass', 'domestic-3156')).toEqual(['issued']);
    expect(allowedTransitions('inspected_pass', 'export-phc')).toEqual(['forwarded']);
    const refused = checkTransition('inspected_pass', 'forwarded', 'domestic-3156');
    expect(refused).toMatchObject({ valid: false, reason: 'forbidden', allowed: ['issued'] });
  });

  it('refuses a jump from draft to active and names what is allowed', () => {
    const r = checkTransition('draft', 'active', 'domestic-3156');
    expect(r.valid).toBe(false);
    if (!r.valid) {
      expect(r.allowed).toEqual(['submitted']);
      expect(r.message).toContain('allowed: submitted');
    }
  });

  it('treats revoked and superseded as final', () => {
    for (const s of ['revoked', 'superseded'] as const) {
      expect(allowedTransitions(s, 'domestic-3156')).toEqual([]);
      const r = checkTransition(s, 'active', 'export-puc');
      expect(r.valid ? '' : r.message).toContain('none (final status)');
    }
  });

  it('refuses unknown statuses and staying in place', () => {
    expect(checkTransition('draft', 'approvedd', 'domestic-3156')).toMatchObject({ valid: false, reason: 'unknown-status' });
    expect(checkTransition('active', 'active', 'domestic-3156')).toMatchObject({ valid: false, reason: 'same-status' });
  });

  it('never allows a transition into draft-only creation states or superseded', () => {
    for (const from of GROWING_AREA_STATUSES) {
      for (const scheme of ['domestic-3156', 'export-puc'] as const) {
        expect(allowedTransitions(from, scheme)).not.toContain('superseded');
      }
    }
  });

  it('re-issues only codes that were issued or approved and not revoked', () => {
    expect(GROWING_AREA_STATUSES.filter(canReissue)).toEqual(['issued', 'approved', 'active', 'suspended']);
  });

  it('asks for a decision number and a code when a code is issued', () => {
    expect(transitionRequirements('issued')).toEqual({ decisionNo: true, code: true, concludedInspection: null });
    expect(transitionRequirements('inspected_fail')).toEqual({ decisionNo: false, code: false, concludedInspection: 'fail' });
    expect(transitionRequirements('submitted').decisionNo).toBe(false);
  });

  it('takes an inspection under inspection and while a code is in force or suspended, in no other status', () => {
    const refused = GROWING_AREA_STATUSES.filter((s) => !acceptsInspection(s));
    expect(refused).toEqual(['draft', 'submitted', 'inspected_pass', 'inspected_fail', 'revoked', 'superseded']);
    for (const s of ['under_inspection', 'forwarded', 'suspended', ...CODE_IN_FORCE_STATUSES]) expect(acceptsInspection(s), s).toBe(true);
  });

  it('takes an inspection by the list given when one was heard from the server', () => {
    expect(acceptsInspection('under_inspection', ['active'])).toBe(false);
    expect(acceptsInspection('active', ['active'])).toBe(true);
  });

  it('reads a standard checklist item in English, any other item as recorded', () => {
    expect(checklistItemLabel(CHECKLIST_ITEMS[4]!.vi, 'en')).toBe('Area boundary matches the map');
    expect(checklistItemLabel(CHECKLIST_ITEMS[4]!.vi, 'vi')).toBe(CHECKLIST_ITEMS[4]!.vi);
    expect(checklistItemLabel('Nhật ký canh tác', 'en')).toBe('Nhật ký canh tác');
  });
});

describe('decisions after the issue', () => {
  it('asks a decision number to lift a suspension, not to put an issued or approved code into operation', () => {
    expect(transitionRequirements('active', 'suspended').decisionNo).toBe(true);
    expect(transitionRequirements('active', 'issued').decisionNo).toBe(false);
    expect(transitionRequirements('active', 'approved').decisionNo).toBe(false);
    for (const to of ['issued', 'approved', 'suspended', 'revoked'] as const)
      expect(transitionRequirements(to, 'active').decisionNo).toBe(true);
  });

  it('knows which moves another move takes back: a suspension and its restore, a submission and its return; not the rest', () => {
    expect(canUndo('active', 'suspended', 'domestic-3156')).toBe(true);
    expect(canUndo('suspended', 'active', 'domestic-3156')).toBe(true);
    expect(canUndo('draft', 'submitted', 'domestic-3156')).toBe(true);
    expect(canUndo('issued', 'active', 'domestic-3156')).toBe(false);
    expect(canUndo('approved', 'active', 'export-puc')).toBe(false);
    expect(canUndo('submitted', 'under_inspection', 'domestic-3156')).toBe(false);
    expect(canUndo('inspected_pass', 'forwarded', 'export-puc')).toBe(false);
    expect(canUndo('active', 'revoked', 'domestic-3156')).toBe(false);
  });

  it('marks a suspended or revoked status not in force, in both languages, and no other', () => {
    expect(statusWithForce('suspended', 'vi')).toBe('Tạm đình chỉ — không còn hiệu lực');
    expect(statusWithForce('revoked', 'en')).toBe('Revoked — not in force');
    for (const status of CODE_IN_FORCE_STATUSES) expect(statusWithForce(status, 'vi')).not.toContain('hiệu lực');
    expect(statusWithForce('superseded', 'en')).toBe('Superseded by a re-issue');
    expect(statusWithForce('archived', 'vi')).toBe('archived');
  });

  it('words the decision that took a code out of force with its day and reason, leaving out what was not recorded', () => {
    const decision = { decisionNo: '45/QĐ-SNN', decidedOn: '2026-11-30', reason: 'Dư lượng vượt mức' };
    expect(statusDecisionText(decision, 'vi')).toBe('45/QĐ-SNN ngày 30/11/2026, lý do: Dư lượng vượt mức');
    expect(statusDecisionText(decision, 'en')).toBe('45/QĐ-SNN of 2026-11-30, reason: Dư lượng vượt mức');
    expect(statusDecisionText({ ...decision, reason: '  ' }, 'vi')).toBe('45/QĐ-SNN ngày 30/11/2026');
    expect(statusDecisionText({ ...decision, decisionNo: null, reason: null }, 'vi')).toBe('(không ghi số) ngày 30/11/2026');
    expect(statusDecisionText({ ...decision, decisionNo: null, reason: null }, 'en')).toBe('(no number recorded) of 2026-11-30');
  });
});
