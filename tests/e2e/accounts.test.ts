// Accounts managed in the page: the sample administrator, on a 360 px phone, opens "Tài khoản" in
// the Tools tab, is told under the username field that a name is taken, creates an officer for one
// ward (ticked by its name); the officer signs in elsewhere and is given exactly that ward's plots;
// the administrator deactivates them, and the officer's open page is signed out on its next request.
// The edit form has one way out, "Huỷ" (no "Đóng" beside it); Escape does the same, and the keyboard
// goes back to the row's "Sửa" button. With more accounts than a page (520 made in SQL), the list
// says how many it shows of how many, and "Xem thêm" brings the rest.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACCOUNTS, openPage, SCREENSHOTS, signIn, useServerAndBrowser } from './harness.ts';

const e2e = useServerAndBrowser();
const WARD = { code: '29888', name: 'Phường Mỹ Trà' };
const OFFICER = { username: 'ward-officer', password: 'ward-officer-2026' };

describe('accounts', () => {
  it('the administrator creates an officer for one ward, who sees that ward’s plots, and deactivating them signs their page out', async () => {
    const admin = await openPage(e2e.browser, 'phone');
    await admin.page.setViewportSize({ width: 360, height: 740 });
    await admin.page.goto(e2e.server.url);
    await signIn(admin.page, ACCOUNTS.admin);
    // A province's worth of accounts, more than the 500 a page of the list holds.
    await e2e.server.db.query(
      `INSERT INTO users (username, password_hash, role, display_name)
       SELECT 'page-' || lpad(n::text, 4, '0'), 'not-a-hash', 'planner', 'Trang ' || n FROM generate_series(1, 520) AS n`,
    );
    const total = (await e2e.server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0]!.n;
    await admin.page.click('[data-tab=tools]');
    await admin.page.click('#accounts-open');
    await admin.page.waitForSelector('#accounts-list .account-row[data-username=officer]');
    // The first page, said as such, and "Xem thêm" for the rest: every account reachable, the keyboard at the first new row.
    const rows = admin.page.locator('#accounts-list .account-row');
    expect(await admin.page.innerText('#accounts-status')).toBe(`Hiện 500 trong ${total} tài khoản`);
    expect(await rows.count()).toBe(500);
    const more = admin.page.locator('#accounts-more');
    expect(await more.innerText()).toBe(`Xem thêm ${total - 500} tài khoản`);
    await more.click();
    await admin.page.waitForFunction((n) => document.querySelectorAll('#accounts-list .account-row').length === n, total);
    expect(await more.isHidden()).toBe(true);
    expect(await admin.page.innerText('#accounts-status')).toBe(`${total} tài khoản`);
    const usernames = await rows.evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.username));
    const all = (await e2e.server.db.query<{ username: string }>('SELECT username FROM users ORDER BY username')).rows.map(
      (r) => r.username,
    );
    expect(usernames).toEqual(all);
    expect(await admin.page.evaluate(() => (document.activeElement?.closest('.account-row') as HTMLElement | null)?.dataset.username)).toBe(
      all[500],
    );
    // The sample officer's ward is said by its name.
    expect(await admin.page.locator('.account-row[data-username=officer] .account-communes-names').innerText()).toBe('Phường Cao Lãnh');

    await admin.page.click('#account-new');
    await admin.page.fill('#account-form input[name=username]', 'Officer');
    await admin.page.fill('#account-form input[name=password]', OFFICER.password);
    await admin.page.fill('#account-form input[name=displayName]', 'Cán bộ Mỹ Trà');
    expect(await admin.page.locator('#account-form select[name=role]').inputValue()).toBe('officer');
    // An officer has communes, not a farmer's record number.
    expect(await admin.page.locator('#account-form input[name=farmerId]').isVisible()).toBe(false);
    await admin.page.locator('#account-form .account-communes label', { hasText: WARD.name }).click();
    await admin.page.click('#account-submit');
    // The server's refusal, under the field it names, in Vietnamese.
    const taken = admin.page.locator('#account-error-username');
    await taken.waitFor({ state: 'visible' });
    expect(await taken.innerText()).toBe('Tên đăng nhập này đã có; hãy chọn tên khác.');
    // Nothing overflows the phone's width, the open form included.
    const overflow = await admin.page.evaluate(() => {
      const dialog = document.querySelector('#accounts-dialog')!;
      return { scroll: dialog.scrollWidth, client: dialog.clientWidth, right: dialog.getBoundingClientRect().right };
    });
    expect(overflow.scroll).toBeLessThanOrEqual(overflow.client);
    expect(overflow.right).toBeLessThanOrEqual(360);
    await admin.page.screenshot({ path: path.join(SCREENSHOTS, 'accounts-refusal-phone360.png') });

    await admin.page.fill('#account-form input[name=username]', OFFICER.username);
    await admin.page.click('#account-submit');
    const row = admin.page.locator(`.account-row[data-username="${OFFICER.username}"]`);
    await row.waitFor();
    expect(await row.locator('.account-communes-names').innerText()).toBe(WARD.name);
    expect(await row.locator('.account-role').innerText()).toBe('Cán bộ nông nghiệp');
    expect(await row.locator('.account-state').innerText()).toBe('Đang hoạt động');
    // Every row's "Sửa" and "Đặt lại mật khẩu" name whose account they are to a screen reader (the
    // accessible name, beginning with the visible words); the sample officer's row names theirs.
    const buttonNames = (username: string) =>
      admin.page
        .locator(`.account-row[data-username="${username}"] .account-actions button`)
        .evaluateAll((buttons) => buttons.map((b) => [b.textContent, b.getAttribute('aria-label')]));
    expect(await buttonNames(OFFICER.username)).toEqual([
      ['Sửa', `Sửa tài khoản Cán bộ Mỹ Trà (${OFFICER.username})`],
      ['Đặt lại mật khẩu', `Đặt lại mật khẩu cho Cán bộ Mỹ Trà (${OFFICER.username})`],
    ]);
    const sample = (await e2e.server.db.query<{ name: string }>(`SELECT display_name AS name FROM users WHERE username = 'officer'`))
      .rows[0]!.name;
    expect(await buttonNames('officer')).toEqual([
      ['Sửa', `Sửa tài khoản ${sample} (officer)`],
      ['Đặt lại mật khẩu', `Đặt lại mật khẩu cho ${sample} (officer)`],
    ]);
    expect(await admin.page.getByRole('button', { name: `Sửa tài khoản Cán bộ Mỹ Trà (${OFFICER.username})`, exact: true }).count()).toBe(
      1,
    );
    const created = await e2e.server.db.query<{ id: number; role: string; communes: string[] }>(
      `SELECT u.id::int, u.role, array_agg(c.commune_code) AS communes FROM users u JOIN user_communes c ON c.user_id = u.id
       WHERE u.username = $1 GROUP BY u.id, u.role`,
      [OFFICER.username],
    );
    expect(created.rows).toEqual([{ id: expect.any(Number), role: 'officer', communes: [WARD.code] }]);
    // Found by a part of their name, accents aside; the list goes back to that search after a save.
    await admin.page.fill('.accounts-search input[name=q]', 'my tra');
    await admin.page.click('.accounts-search button[type=submit]');
    await admin.page.waitForFunction(() => document.querySelectorAll('#accounts-list .account-row').length === 1);
    expect(await admin.page.locator('#accounts-list .account-row').getAttribute('data-username')).toBe(OFFICER.username);
    await admin.page.screenshot({ path: path.join(SCREENSHOTS, 'accounts-list-phone360.png') });

    // The officer, on a desk: their plots are that ward's, every one of them and no other.
    const officer = await openPage(e2e.browser, 'desktop');
    await officer.page.goto(e2e.server.url);
    await signIn(officer.page, OFFICER);
    await officer.page.click('[data-tab=mine]');
    await officer.page.waitForSelector('.my-plots .plot-item[data-id]');
    const listed = (
      await officer.page.locator('.my-plots .plot-item[data-id]').evaluateAll((items) => items.map((i) => i.getAttribute('data-id')))
    )
      .map(Number)
      .sort((a, b) => a - b);
    const ward = await e2e.server.db.query<{ id: number }>('SELECT id::int FROM plots WHERE commune_code = $1 ORDER BY id', [WARD.code]);
    expect(ward.rows.length).toBeGreaterThan(0);
    expect(listed).toEqual(ward.rows.map((r) => r.id));
    await officer.page.click('[data-tab=tools]');
    await officer.page.waitForSelector('#edit-open');
    // "Đổi mật khẩu" with a wrong current password: said under that field, nothing changed.
    await officer.page.click('#change-password-open');
    await officer.page.fill('#change-password-dialog input[name=currentPassword]', 'not-my-password');
    await officer.page.fill('#change-password-dialog input[name=newPassword]', 'a-new-password-2026');
    await officer.page.fill('#change-password-dialog input[name=newPasswordAgain]', 'a-new-password-2026');
    await officer.page.click('#change-password-submit');
    const wrong = officer.page.locator('#change-password-error-currentPassword');
    await wrong.waitFor({ state: 'visible' });
    expect(await wrong.innerText()).toBe('Mật khẩu hiện tại không đúng.');
    await officer.page.screenshot({ path: path.join(SCREENSHOTS, 'accounts-change-password-refused.png') });
    await officer.page.click('#change-password-dialog-close');

    // The edit form's one way out: "Huỷ", as every form dialog has; no "Đóng" beside it. Huỷ and Escape
    // both go back to the list (the dialog stays open), the keyboard on the row's "Sửa", nothing saved.
    const dialog = admin.page.locator('#accounts-dialog');
    const focusedRowButton = () =>
      admin.page.evaluate(() => {
        const active = document.activeElement as HTMLElement | null;
        return `${active?.closest<HTMLElement>('.account-row')?.dataset.username ?? ''} ${active?.className ?? ''}`;
      });
    for (const leave of ['Huỷ', 'Escape'] as const) {
      await row.locator('.account-edit').click();
      await admin.page.waitForSelector('#account-form');
      expect(await dialog.locator('button:visible', { hasText: /^(Huỷ|Đóng)$/ }).allInnerTexts()).toEqual(['Huỷ']);
      await admin.page.fill('#account-form input[name=displayName]', 'Không lưu');
      if (leave === 'Huỷ') await admin.page.click('#account-cancel');
      else await admin.page.keyboard.press('Escape');
      await admin.page.waitForSelector('#account-form', { state: 'detached' });
      await row.waitFor();
      expect(await dialog.isVisible(), leave).toBe(true);
      await expect.poll(focusedRowButton).toBe(`${OFFICER.username} btn account-edit`);
      expect(await row.locator('.account-who strong').innerText()).toBe('Cán bộ Mỹ Trà');
    }
    // The list's own way out is "Đóng".
    expect(await dialog.locator('button:visible', { hasText: /^(Huỷ|Đóng)$/ }).allInnerTexts()).toEqual(['Đóng']);

    // The administrator deactivates the officer.
    await row.locator('.account-edit').click();
    await admin.page.locator('#account-form input[name=active]').uncheck();
    await admin.page.screenshot({ path: path.join(SCREENSHOTS, 'accounts-edit-phone360.png') });
    await admin.page.click('#account-submit');
    await admin.page.locator(`.account-row.inactive[data-username="${OFFICER.username}"] .account-state`).waitFor();
    expect(await row.locator('.account-state').innerText()).toBe('Đã khoá');
    await expect.poll(focusedRowButton).toBe(`${OFFICER.username} btn account-edit`);
    const after = await e2e.server.db.query<{ active: boolean; sessions: number }>(
      'SELECT active, (SELECT count(*)::int FROM sessions s WHERE s.user_id = u.id) AS sessions FROM users u WHERE username = $1',
      [OFFICER.username],
    );
    expect(after.rows).toEqual([{ active: false, sessions: 0 }]);

    // The officer's open page asks for their plots again and is signed out.
    await officer.page.click('[data-tab=mine]');
    await officer.page.waitForSelector('#sign-in');
    expect(await officer.page.locator('#sign-out').count()).toBe(0);
    expect(await officer.page.locator('.my-plots .plot-item').count()).toBe(0);
    // Their password no longer signs in.
    await officer.page.click('#sign-in');
    await officer.page.fill('#sign-in-dialog input[name=username]', OFFICER.username);
    await officer.page.fill('#sign-in-dialog input[name=password]', OFFICER.password);
    await officer.page.click('#sign-in-dialog button[type=submit]');
    await officer.page.locator('#sign-in-dialog .form-error', { hasText: /./ }).waitFor();

    // 401s of the ended session and the refused sign-in are what this test does; nothing else failed.
    expect(admin.errors.filter((e) => !e.includes('/api/users'))).toEqual([]);
    expect(officer.errors.filter((e) => !/(http|status of) 40[13]\b/.test(e))).toEqual([]);
    await admin.context.close();
    await officer.context.close();
  });
});
