// The signed decision's scan attached to a lifecycle move: uploaded to the area (PDF, JPEG or PNG by
// its bytes, ≤ 10 MiB, kept under its SHA-256, never under the client's name), named by the move's
// attachments (this area's, once), listed in the history and read back with its name, for staff of
// the area's commune only. Every refusal writes nothing: no row, no file, no move.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { buildApp } from '../../server/app.ts';
import { IDEMPOTENCY_KEY_HEADER } from '../../server/contracts/registry.ts';
import { MAX_DOCUMENT_BYTES } from '../../server/domain/document-facts.ts';
import { sweepUnclaimedDocuments } from '../../server/registry/area-documents.service.ts';
import { moveThrough, toActive, vegetableDraftOfNewPlot } from '../fixtures/registry.ts';
import { useRegistryApp } from '../helpers/registry-app.ts';

const reg = useRegistryApp();
let officer: Record<string, string>;
let elsewhere: Record<string, string>;
let farmer: Record<string, string>;
let rowY = 7000;
let serial = 700;

const pdf = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`);
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(() => {
  officer = reg.as(reg.fx.users.officer);
  elsewhere = reg.as(reg.fx.users.officerElsewhere);
  farmer = reg.as(reg.fx.users.farmer);
});

function move(id: number, payload: Record<string, unknown>, url = 'transitions') {
  return reg.app.inject({ method: 'POST', url: `/api/growing-areas/${id}/${url}`, headers: officer, payload });
}

/** A new domestic vegetable area of one fresh plot, issued and in operation; its id. */
async function activeArea(): Promise<number> {
  const id = await vegetableDraftOfNewPlot(reg.app, reg.db, reg.fx, officer, 'Vùng rau thử quyết định đính kèm', (rowY += 60));
  await moveThrough(reg.app, officer, id, toActive(`VN-82-29869-${serial++}-26`, '12/QĐ-SNN'));
  return id;
}

function upload(areaId: number, body: Buffer, type: string, name: string | null, headers = officer, key?: string) {
  const query = name === null ? '' : `?name=${encodeURIComponent(name)}`;
  return reg.app.inject({
    method: 'POST',
    url: `/api/growing-areas/${areaId}/documents${query}`,
    headers: { ...headers, 'content-type': type, ...(key ? { [IDEMPOTENCY_KEY_HEADER]: key } : {}) },
    payload: body,
  });
}

/** What is written of documents: the rows and the files on disk. */
async function written(): Promise<{ rows: number; files: string[] }> {
  const rows = Number((await reg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM growing_area_documents')).rows[0]!.n);
  const files = await fs.readdir(path.join(reg.uploadDir, 'area-documents')).catch(() => [] as string[]);
  return { rows, files: files.sort() };
}

type DocRow = {
  growing_area_id: number;
  uploaded_by: number;
  name: string;
  mime: string;
  bytes: number;
  sha256: string;
  transition_id: number | null;
};
async function docRow(id: number): Promise<DocRow> {
  return (
    await reg.db.query<DocRow>(
      'SELECT growing_area_id, uploaded_by, name, mime, bytes, sha256, transition_id FROM growing_area_documents WHERE id = $1',
      [id],
    )
  ).rows[0]!;
}

describe('a decision scan uploaded to a growing area', () => {
  it('is stored under its hash with its cleaned name and read back with its name, type and no caching', async () => {
    const id = await activeArea();
    const bytes = pdf('Quyết định 45');
    const res = await upload(id, bytes, 'application/pdf', 'Quyết định số 45 (bản quét).pdf');
    expect(res.statusCode, res.body).toBe(201);
    const doc = res.json();
    expect(doc).toEqual({
      id: expect.any(Number),
      name: 'Quyết định số 45 (bản quét).pdf',
      type: 'application/pdf',
      bytes: bytes.length,
      ref: `/api/growing-areas/${id}/documents/${doc.id}`,
    });
    expect(res.headers.location).toBe(doc.ref);
    expect(await docRow(doc.id)).toMatchObject({
      growing_area_id: id,
      uploaded_by: reg.fx.users.officer,
      mime: 'application/pdf',
      bytes: bytes.length,
      sha256: sha(bytes),
      transition_id: null,
    });
    expect((await written()).files).toContain(`${sha(bytes)}.pdf`);
    expect(await fs.readFile(path.join(reg.uploadDir, 'area-documents', `${sha(bytes)}.pdf`))).toEqual(bytes);

    const read = await reg.app.inject({ method: 'GET', url: doc.ref, headers: officer });
    expect(read.statusCode).toBe(200);
    expect(read.rawPayload).toEqual(bytes);
    expect(read.headers['content-type']).toBe('application/pdf');
    expect(read.headers['x-content-type-options']).toBe('nosniff');
    expect(read.headers['cache-control']).toBe('private, no-store');
    expect(read.headers['content-disposition']).toBe(
      'inline; filename="Quyet dinh so 45 (ban quet).pdf"; filename*=UTF-8\'\'Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%20s%E1%BB%91%2045%20%28b%E1%BA%A3n%20qu%C3%A9t%29.pdf',
    );
  });

  it('keeps a hostile name only as cleaned words: no path, no NUL, at most 200 characters; never on disk', async () => {
    const id = await activeArea();
    const bytes = pdf('tên độc');
    const name = `../../etc/${'ắ'.repeat(150)}\u0000${'x'.repeat(150)}.pdf`;
    const res = await upload(id, bytes, 'application/pdf', name);
    expect(res.statusCode, res.body).toBe(201);
    const stored = (await docRow(res.json().id)).name;
    expect(stored).toBe(res.json().name);
    expect(Array.from(stored)).toHaveLength(200);
    expect(stored).not.toMatch(/[/\\\u0000]/);
    expect(stored.startsWith('ắắắ')).toBe(true);
    expect(stored.endsWith('x.pdf')).toBe(true);
    expect((await written()).files.every((f) => /^[0-9a-f]{64}\.(pdf|jpg|png)$/.test(f))).toBe(true);
    const dotted = await upload(id, png, 'image/png', '../');
    expect(dotted.statusCode, dotted.body).toBe(201);
    expect(dotted.json()).toMatchObject({ name: 'document.png', type: 'image/png' });
  });

  it('refuses a disguised, empty, oversized or nameless file and anyone but the commune’s staff, writing nothing', async () => {
    const id = await activeArea();
    const before = await written();
    const cases: [string, Promise<{ statusCode: number; body: string }>, number][] = [
      ['HTML said to be a PDF', upload(id, Buffer.from('<html><script>alert(1)</script>%PDF-1.4'), 'application/pdf', 'qd.pdf'), 415],
      ['a PDF said to be a PNG', upload(id, pdf('x'), 'image/png', 'qd.png'), 415],
      ['a script as text', upload(id, Buffer.from('#!/bin/sh\nrm -rf /'), 'text/plain', 'qd.pdf'), 415],
      ['a WebP image', upload(id, Buffer.from('RIFF\0\0\0\0WEBPVP8 '), 'application/octet-stream', 'qd.webp'), 415],
      ['JSON of attachments', upload(id, Buffer.from('{"name":"a","ref":"b"}'), 'application/json', 'qd.pdf'), 415],
      ['0 bytes', upload(id, Buffer.alloc(0), 'application/pdf', 'qd.pdf'), 400],
      [
        '10 MiB + 1',
        upload(
          id,
          Buffer.concat([pdf('big'), Buffer.alloc(MAX_DOCUMENT_BYTES)]).subarray(0, MAX_DOCUMENT_BYTES + 1),
          'application/pdf',
          'qd.pdf',
        ),
        413,
      ],
      ['no name', upload(id, pdf('x'), 'application/pdf', null), 400],
      ['another commune’s officer', upload(id, pdf('x'), 'application/pdf', 'qd.pdf', elsewhere), 403],
      ['a farmer', upload(id, pdf('x'), 'application/pdf', 'qd.pdf', farmer), 403],
      ['a guest', upload(id, pdf('x'), 'application/pdf', 'qd.pdf', {}), 401],
      ['no such area', upload(987654, pdf('x'), 'application/pdf', 'qd.pdf'), 404],
      ['a bad Idempotency-Key', upload(id, pdf('x'), 'application/pdf', 'qd.pdf', officer, 'short'), 400],
    ];
    for (const [what, sent, status] of cases) {
      const res = await sent;
      expect(res.statusCode, `${what}: ${res.body}`).toBe(status);
      expect(JSON.parse(res.body).status, what).toBe(status);
    }
    expect(await written()).toEqual(before);
  });

  it('keeps the same bytes once on disk, and a retry under its Idempotency-Key gets the document stored then', async () => {
    const id = await activeArea();
    const bytes = pdf('twice');
    const a = await upload(id, bytes, 'application/pdf', 'a.pdf');
    const b = await upload(id, bytes, 'application/pdf', 'b.pdf');
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.json().id).not.toBe(b.json().id);
    expect((await written()).files.filter((f) => f.startsWith(sha(bytes)))).toEqual([`${sha(bytes)}.pdf`]);

    const key = 'scan-key-0000000000000001';
    const first = await upload(id, pdf('keyed'), 'application/pdf', 'c.pdf', officer, key);
    const again = await upload(id, pdf('keyed'), 'application/pdf', 'c.pdf', officer, key);
    expect([first.statusCode, again.statusCode]).toEqual([201, 200]);
    expect(again.json()).toEqual(first.json());
    const before = await written();
    const other = await upload(id, pdf('other bytes'), 'application/pdf', 'c.pdf', officer, key);
    expect(other.statusCode, other.body).toBe(409);
    expect(other.json().reason).toBe('idempotency-key-reused');
    expect(await written()).toEqual(before);
  });

  it('is read by staff of the commune only, and under its own area only', async () => {
    const id = await activeArea();
    const other = await activeArea();
    const doc = (await upload(id, png, 'image/png', 'ảnh quyết định.png')).json();
    expect((await reg.app.inject({ method: 'GET', url: doc.ref, headers: officer })).headers['content-type']).toBe('image/png');
    expect((await reg.app.inject({ method: 'GET', url: doc.ref, headers: elsewhere })).statusCode).toBe(403);
    expect((await reg.app.inject({ method: 'GET', url: doc.ref, headers: farmer })).statusCode).toBe(403);
    expect((await reg.app.inject({ method: 'GET', url: doc.ref })).statusCode).toBe(401);
    expect(
      (await reg.app.inject({ method: 'GET', url: `/api/growing-areas/${other}/documents/${doc.id}`, headers: officer })).statusCode,
    ).toBe(404);
    expect((await reg.app.inject({ method: 'GET', url: `/api/growing-areas/${id}/documents/abc`, headers: officer })).statusCode).toBe(400);
  });
});

describe('a move carrying a decision scan', () => {
  async function state(id: number) {
    const area = (await reg.db.query<{ status: string }>('SELECT status FROM growing_areas WHERE id = $1', [id])).rows[0]!;
    const moves = Number(
      (await reg.db.query<{ n: number }>('SELECT count(*)::int AS n FROM growing_area_transitions WHERE growing_area_id = $1', [id]))
        .rows[0]!.n,
    );
    return { status: area.status, moves };
  }

  it('claims the document, records it under its stored name and lists it in the history with its link', async () => {
    const id = await activeArea();
    const doc = (await upload(id, pdf('suspension'), 'application/pdf', 'QĐ 45 đình chỉ.pdf')).json();
    const res = await move(id, {
      to: 'suspended',
      decisionNo: '45/QĐ-SNN',
      note: 'Dư lượng thuốc vượt mức cho phép',
      attachments: [{ name: 'whatever the client says', ref: doc.ref }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const transition = res.json().transition;
    expect(transition.attachments).toEqual([{ name: 'QĐ 45 đình chỉ.pdf', ref: doc.ref }]);
    expect((await docRow(doc.id)).transition_id).toBe(transition.id);

    const history = (await reg.app.inject({ method: 'GET', url: `/api/growing-areas/${id}/history`, headers: officer })).json();
    const suspended = history.transitions.find((t: { to_status: string }) => t.to_status === 'suspended');
    expect(suspended.documents).toEqual([doc]);
    expect(history.transitions.filter((t: { documents: unknown[] }) => t.documents.length)).toHaveLength(1);
    const read = await reg.app.inject({ method: 'GET', url: suspended.documents[0].ref, headers: officer });
    expect(read.rawPayload).toEqual(pdf('suspension'));
  });

  it('refuses a ref that is unknown, of another area, already used or named twice, writing nothing', async () => {
    const id = await activeArea();
    const other = await activeArea();
    const used = (await upload(id, pdf('used'), 'application/pdf', 'used.pdf')).json();
    expect(
      (await move(id, { to: 'suspended', decisionNo: '46/QĐ-SNN', note: 'Tạm dừng', attachments: [{ name: 'a', ref: used.ref }] }))
        .statusCode,
    ).toBe(201);
    const free = (await upload(id, pdf('free'), 'application/pdf', 'free.pdf')).json();
    const foreign = (await upload(other, pdf('foreign'), 'application/pdf', 'foreign.pdf')).json();
    const before = await state(id);
    const refs: [string, string, string][] = [
      ['unknown', `/api/growing-areas/${id}/documents/99999999`, 'document-unknown'],
      ['malformed', `/api/growing-areas/${id}/documents/../../etc/passwd`, 'document-unknown'],
      ['another area’s', foreign.ref, 'document-of-other-area'],
      ['another area’s under this area’s path', `/api/growing-areas/${id}/documents/${foreign.id}`, 'document-of-other-area'],
      ['used by another move', used.ref, 'document-already-used'],
    ];
    for (const [what, ref, reason] of refs) {
      const res = await move(id, {
        to: 'active',
        decisionNo: '47/QĐ-SNN',
        attachments: [
          { name: 'scan.pdf', ref: free.ref },
          { name: 'x', ref },
        ],
      });
      expect(res.statusCode, `${what}: ${res.body}`).toBe(422);
      expect(res.json(), what).toMatchObject({ reason, field: 'attachments' });
    }
    const twice = await move(id, {
      to: 'active',
      decisionNo: '47/QĐ-SNN',
      attachments: [
        { name: 'a', ref: free.ref },
        { name: 'b', ref: free.ref },
      ],
    });
    expect(twice.json()).toMatchObject({ status: 422, reason: 'document-already-used' });
    const reissue = await move(id, { decisionNo: '48/QĐ-SNN', attachments: [{ name: 'f', ref: foreign.ref }] }, 'reissue');
    expect(reissue.json()).toMatchObject({ status: 422, reason: 'document-of-other-area' });
    expect(await state(id)).toEqual(before);
    expect((await docRow(free.id)).transition_id).toBeNull();
    expect((await docRow(foreign.id)).transition_id).toBeNull();
  });

  it('is taken by a re-issue too, and a client naming its own ref (no upload) is still taken as before', async () => {
    const id = await activeArea();
    const doc = (await upload(id, png, 'image/png', 'cấp lại.png')).json();
    const res = await move(id, { decisionNo: '50/QĐ-SNN', note: 'Đổi chủ', attachments: [{ name: 'x', ref: doc.ref }] }, 'reissue');
    expect(res.statusCode, res.body).toBe(201);
    const superseded = (
      await reg.db.query<{ id: number; attachments: unknown }>(
        `SELECT id, attachments FROM growing_area_transitions WHERE growing_area_id = $1 AND to_status = 'superseded'`,
        [id],
      )
    ).rows[0]!;
    expect(superseded.attachments).toEqual([{ name: 'cấp lại.png', ref: doc.ref }]);
    expect((await docRow(doc.id)).transition_id).toBe(superseded.id);

    const next = res.json().id as number;
    const legacy = await move(next, { to: 'submitted', attachments: [{ name: 'Biên bản giấy', ref: 'archive:box-12/45' }] });
    expect(legacy.statusCode, legacy.body).toBe(201);
    expect(legacy.json().transition.attachments).toEqual([{ name: 'Biên bản giấy', ref: 'archive:box-12/45' }]);
  });
});

describe('a scan no move claimed', () => {
  const del = (areaId: number, docId: number | string, headers = officer) =>
    reg.app.inject({ method: 'DELETE', url: `/api/growing-areas/${areaId}/documents/${docId}`, headers });
  const onDisk = async (bytes: Buffer, ext = 'pdf') => (await written()).files.includes(`${sha(bytes)}.${ext}`);
  const rowExists = async (id: number) =>
    (await reg.db.query('SELECT 1 FROM growing_area_documents WHERE id = $1', [id])).rows.length === 1;

  it('is deleted by staff of the commune when removed from the form: the row, and the file no other row keeps', async () => {
    const id = await activeArea();
    const bytes = pdf('removed from the form');
    const doc = (await upload(id, bytes, 'application/pdf', 'bỏ đi.pdf')).json();
    expect(await onDisk(bytes)).toBe(true);
    const res = await del(id, doc.id);
    expect(res.statusCode, res.body).toBe(204);
    expect(res.body).toBe('');
    expect(await rowExists(doc.id)).toBe(false);
    expect(await onDisk(bytes)).toBe(false);
    expect((await reg.app.inject({ method: 'GET', url: doc.ref, headers: officer })).statusCode).toBe(404);
    // Removed twice (a second tap, a retry): already gone.
    expect((await del(id, doc.id)).statusCode).toBe(404);

    // The same bytes kept by a move: the unclaimed copy's row goes, the file stays for the move's.
    const shared = pdf('shared with a move');
    const carried = (await upload(id, shared, 'application/pdf', 'giữ.pdf')).json();
    const copy = (await upload(id, shared, 'application/pdf', 'bản sao.pdf')).json();
    expect(
      (
        await move(id, {
          to: 'suspended',
          decisionNo: '70/QĐ-SNN',
          note: 'Tạm dừng',
          attachments: [{ name: carried.name, ref: carried.ref }],
        })
      ).statusCode,
    ).toBe(201);
    expect((await del(id, copy.id)).statusCode).toBe(204);
    expect(await rowExists(copy.id)).toBe(false);
    expect(await onDisk(shared)).toBe(true);
    expect((await reg.app.inject({ method: 'GET', url: carried.ref, headers: officer })).rawPayload).toEqual(shared);
  });

  it('refuses to delete a claimed scan (409), another area’s or an unknown one (404), a malformed id (400), and anyone but the commune’s staff, deleting nothing', async () => {
    const id = await activeArea();
    const other = await activeArea();
    const claimed = (await upload(id, pdf('claimed'), 'application/pdf', 'claimed.pdf')).json();
    expect(
      (
        await move(id, {
          to: 'suspended',
          decisionNo: '71/QĐ-SNN',
          note: 'Tạm dừng',
          attachments: [{ name: claimed.name, ref: claimed.ref }],
        })
      ).statusCode,
    ).toBe(201);
    const free = (await upload(id, pdf('free to delete'), 'application/pdf', 'free.pdf')).json();
    const foreign = (await upload(other, pdf('foreign to delete'), 'application/pdf', 'foreign.pdf')).json();
    const before = await written();
    const cases: [string, Promise<{ statusCode: number; body: string }>, number, string?][] = [
      ['a scan a move carries', del(id, claimed.id), 409, 'document-already-used'],
      ['another area’s scan under this area', del(id, foreign.id), 404],
      ['this area’s scan under another area', del(other, free.id), 404],
      ['an unknown scan', del(id, 99999999), 404],
      ['an unknown area', del(987654, free.id), 404],
      ['a word as id', del(id, 'abc'), 400],
      ['0', del(id, 0), 400],
      ['-1', del(id, -1), 400],
      ['1.5', del(id, '1.5'), 400],
      ['20 digits', del(id, '12345678901234567890'), 400],
      ['a path', del(id, '..%2F..%2Fetc%2Fpasswd'), 400],
      ['another commune’s officer', del(id, free.id, elsewhere), 403],
      ['a farmer', del(id, free.id, farmer), 403],
      ['a guest', del(id, free.id, {}), 401],
    ];
    for (const [what, sent, status, reason] of cases) {
      const res = await sent;
      expect(res.statusCode, `${what}: ${res.body}`).toBe(status);
      expect(JSON.parse(res.body).status, what).toBe(status);
      if (reason) expect(JSON.parse(res.body).reason, what).toBe(reason);
    }
    expect(await written()).toEqual(before);
    expect((await docRow(claimed.id)).transition_id).not.toBeNull();
  });

  it('is swept once older than the configured age: only unclaimed rows, and only files no claimed row shares', async () => {
    const id = await activeArea();
    const kept = pdf('kept by a move, also uploaded again');
    const alone = pdf('unclaimed alone');
    const twice = pdf('unclaimed twice');
    const image = Buffer.concat([png, Buffer.from('unclaimed image')]);
    const claimed = (await upload(id, kept, 'application/pdf', 'kept.pdf')).json();
    expect(
      (
        await move(id, {
          to: 'suspended',
          decisionNo: '72/QĐ-SNN',
          note: 'Tạm dừng',
          attachments: [{ name: claimed.name, ref: claimed.ref }],
        })
      ).statusCode,
    ).toBe(201);
    const copy = (await upload(id, kept, 'application/pdf', 'kept again.pdf')).json();
    const single = (await upload(id, alone, 'application/pdf', 'alone.pdf')).json();
    const first = (await upload(id, twice, 'application/pdf', 'twice 1.pdf')).json();
    const picture = (await upload(id, image, 'image/png', 'ảnh.png')).json();
    const third = (await upload(id, twice, 'application/pdf', 'twice 2.pdf')).json();

    // Within the age, nothing goes; one made to look 25 hours old goes alone at the default 24 hours.
    expect(await sweepUnclaimedDocuments(reg.db, reg.uploadDir, 24)).toEqual({ rows: 0, files: 0, failed: [] });
    await reg.db.query(`UPDATE growing_area_documents SET uploaded_at = now() - interval '25 hours' WHERE id = $1`, [single.id]);
    expect(await sweepUnclaimedDocuments(reg.db, reg.uploadDir, 24)).toEqual({ rows: 1, files: 1, failed: [] });
    expect([await rowExists(single.id), await onDisk(alone), await rowExists(copy.id)]).toEqual([false, false, true]);

    // Age 0: every unclaimed row (this test's and those earlier tests left), and every file only they named.
    const swept = await sweepUnclaimedDocuments(reg.db, reg.uploadDir, 0);
    expect(swept.failed).toEqual([]);
    for (const doc of [copy, first, picture, third]) expect(await rowExists(doc.id)).toBe(false);
    expect(await rowExists(claimed.id)).toBe(true);
    expect([await onDisk(kept), await onDisk(twice), await onDisk(image, 'png')]).toEqual([true, false, false]);
    const left = await reg.db.query<{ sha256: string; mime: string; transition_id: number | null }>(
      'SELECT sha256, mime, transition_id FROM growing_area_documents',
    );
    expect(left.rows.every((r) => r.transition_id !== null)).toBe(true);
    // What is on disk is exactly what the claimed rows name: nothing swept that a move keeps, nothing left that none does.
    const named = [
      ...new Set(left.rows.map((r) => `${r.sha256}.${r.mime === 'image/png' ? 'png' : r.mime === 'image/jpeg' ? 'jpg' : 'pdf'}`)),
    ];
    expect((await written()).files).toEqual(named.sort());
    expect((await reg.app.inject({ method: 'GET', url: claimed.ref, headers: officer })).rawPayload).toEqual(kept);
  });

  it('is swept by the server at its start, at the configured age, and the timer stops with the app', async () => {
    const id = await activeArea();
    const bytes = pdf('left by a closed tab');
    const doc = (await upload(id, bytes, 'application/pdf', 'tab.pdf')).json();
    const config = loadConfig({ UPLOAD_DIR: reg.uploadDir, LOG_LEVEL: 'silent', UNCLAIMED_DOCUMENT_HOURS: '0' }, process.cwd());
    expect(config.unclaimedDocumentHours).toBe(0);
    const started = await buildApp({ config, db: reg.db, ready: { value: true } }, { logger: false });
    try {
      await expect.poll(() => rowExists(doc.id), { timeout: 10_000, interval: 100 }).toBe(false);
      await expect.poll(() => onDisk(bytes), { timeout: 10_000, interval: 100 }).toBe(false);
    } finally {
      await started.close();
    }
  });
});
