import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { GrowingAreaPatch, InspectionBody, PlotIdsBody, ReissueBody, TransitionBody } from '../contracts/registry.ts';
import { MAX_LISTED_FIELDS, unknownFields, unknownFieldsError } from './unknown-fields.ts';

describe('unknown body fields', () => {
  it('a body of declared fields has none', () => {
    const move = {
      to: 'inspected_pass',
      decisionNo: '45/QĐ-SNN',
      decidedOn: '2026-05-01',
      attachments: [{ name: 'qd.pdf', ref: '/api/growing-areas/1/documents/2' }],
      inspection: { inspectedOn: '2026-04-30', conclusion: 'pass', checklist: [{ item: 'Nước tưới', ok: true, note: 'tốt' }] },
    };
    expect(unknownFields(TransitionBody, move)).toEqual([]);
    expect(unknownFields(ReissueBody, undefined)).toEqual([]);
    expect(unknownFields(GrowingAreaPatch, { name: 'Vùng xoài', variety: null })).toEqual([]);
  });

  it('names a misspelt decidedOn and what it may mean', () => {
    expect(unknownFields(TransitionBody, { to: 'issued', decided_on: '2026-05-01' })).toEqual([
      { field: 'decided_on', didYouMean: 'decidedOn' },
    ]);
    expect(unknownFields(TransitionBody, { to: 'issued', decidedon: '2026-05-01', foo: 1 })).toEqual([
      { field: 'decidedon', didYouMean: 'decidedOn' },
      { field: 'foo' },
    ]);
    const error = unknownFieldsError(unknownFields(TransitionBody, { to: 'issued', decided_on: '2026-05-01' }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/^unknown field 'decided_on' \(did you mean 'decidedOn'\?\)/);
    expect(error.details).toEqual({ reason: 'unknown-field', field: 'decided_on', fields: ['decided_on'], didYouMean: 'decidedOn' });
  });

  it('names nested fields by their path: in the inspection, in a checklist item, in an attachment', () => {
    const found = unknownFields(TransitionBody, {
      to: 'inspected_pass',
      inspection: {
        inspected_on: '2026-04-30',
        inspectedOn: '2026-04-30',
        conclusion: 'pass',
        checklist: [
          { item: 'a', ok: true },
          { item: 'b', okk: true },
        ],
      },
      attachments: [{ name: 'a.pdf', ref: 'x', size: 3 }],
    });
    expect(found.map((f) => f.field)).toEqual(['inspection.inspected_on', 'inspection.checklist[1].okk', 'attachments[0].size']);
    expect(found[0]!.didYouMean).toBe('inspection.inspectedOn');
    expect(unknownFields(InspectionBody, { inspectedOn: '2026-04-30', checklist: [{ item: 'a', ok: true, Note: 'x' }] })).toEqual([
      { field: 'checklist[0].Note', didYouMean: 'checklist[0].note' },
    ]);
  });

  it('takes keys that Object.prototype has as unknown names, never as declared ones', () => {
    for (const key of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
      const body = JSON.parse(`{"plotIds":[1],${JSON.stringify(key)}:1}`) as unknown;
      expect(unknownFields(PlotIdsBody, body), key).toEqual([{ field: key }]);
    }
  });

  it('leaves wrong types to the schema: an array where an object belongs, a string for the inspection, null', () => {
    expect(unknownFields(TransitionBody, [{ decided_on: 'x' }])).toEqual([]);
    expect(unknownFields(TransitionBody, { to: 'issued', inspection: 'pass' })).toEqual([]);
    expect(unknownFields(TransitionBody, { to: 'issued', attachments: { name: 'x', extra: 1 } })).toEqual([]);
    expect(unknownFields(TransitionBody, null)).toEqual([]);
    expect(unknownFields(TransitionBody, 'decided_on')).toEqual([]);
  });

  it('cuts a huge name, escapes control characters, and lists at most 20 of thousands', () => {
    const [huge] = unknownFields(PlotIdsBody, { plotIds: [1], ['x'.repeat(100_000)]: 1 });
    expect(huge!.field).toBe(`${'x'.repeat(64)}…`);
    expect(unknownFields(PlotIdsBody, { plotIds: [1], 'a\u0000"b\n': 1 })).toEqual([{ field: 'a\\u0000\\"b\\n' }]);
    const many = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`f${i}`, i]));
    const listed = unknownFields(PlotIdsBody, { plotIds: [1], ...many });
    expect(listed).toHaveLength(MAX_LISTED_FIELDS);
    expect(unknownFieldsError(listed).message).toMatch(/^unknown fields 'f0', 'f1', /);
  });

  it('walks an object inside a union, and an array no longer than its maxItems', () => {
    const schema = Type.Object(
      {
        where: Type.Union([Type.Null(), Type.Object({ lon: Type.Number() }, { additionalProperties: false })]),
        list: Type.Array(Type.Object({ a: Type.Number() }, { additionalProperties: false }), { maxItems: 2 }),
      },
      { additionalProperties: false },
    );
    expect(unknownFields(schema, { where: { lon: 1, lat: 2 }, list: [{ a: 1, b: 2 }] }).map((f) => f.field)).toEqual([
      'where.lat',
      'list[0].b',
    ]);
    // Over maxItems the schema refuses the array itself.
    expect(unknownFields(schema, { where: null, list: [{ b: 1 }, { b: 1 }, { b: 1 }] })).toEqual([]);
  });
});
