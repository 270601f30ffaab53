import { describe, expect, it } from 'vitest';
import { SessionWatch } from './session-watch.ts';

/** A watch and the URLs its listener heard, in order. */
function watched(): { watch: SessionWatch; heard: string[] } {
  const watch = new SessionWatch();
  const heard: string[] = [];
  watch.listen((url) => heard.push(url));
  return { watch, heard };
}

describe('the page learns that its session ended', () => {
  it('from the first 401 of a request sent in the session, once, however many of its requests are refused', () => {
    const { watch, heard } = watched();
    const diary = watch.sending('/api/plots/7/diary');
    const thumb = watch.sending('/api/inspections/3/photos/9?size=thumb');
    const upload = watch.sending('http://localhost:3000/api/inspections/3/photos?lon=105.6');
    thumb(401);
    diary(401);
    upload(401);
    expect(heard).toEqual(['/api/inspections/3/photos/9?size=thumb']);
  });

  it('not from answers that are not 401: a 403 is a refusal of this person, a 0 no answer at all', () => {
    const { watch, heard } = watched();
    for (const status of [200, 201, 304, 400, 403, 404, 412, 429, 500, 0]) watch.sending('/api/growing-areas/4')(status);
    expect(heard).toEqual([]);
  });

  it('not from the sign-in, whose 401 is a wrong password', () => {
    const { watch, heard } = watched();
    watch.sending('/api/auth/login')(401);
    watch.sending('http://localhost:3000/api/auth/login?next=1')(401);
    expect(heard).toEqual([]);
    watch.sending('/api/auth/logout')(401);
    expect(heard).toEqual(['/api/auth/logout']);
  });

  it('not from a request sent before the person signed in again and answered after', () => {
    const { watch, heard } = watched();
    const late = watch.sending('/api/growing-areas/4/history');
    watch.sending('/api/plots/7/diary')(401);
    expect(heard).toEqual(['/api/plots/7/diary']);
    // Signed in again: the late answer of the ended session changes nothing; the new session's own 401 does.
    watch.changed();
    late(401);
    expect(heard).toEqual(['/api/plots/7/diary']);
    watch.sending('/api/plots/7/diary')(401);
    expect(heard).toEqual(['/api/plots/7/diary', '/api/plots/7/diary']);
  });

  it('not from a request sent before a sign-out and refused after it', () => {
    const { watch, heard } = watched();
    const before = watch.sending('/api/plots/7/residue-tests');
    watch.changed();
    before(401);
    expect(heard).toEqual([]);
  });

  it('stops telling a listener that stopped listening', () => {
    const watch = new SessionWatch();
    const heard: string[] = [];
    const stop = watch.listen((url) => heard.push(url));
    stop();
    watch.sending('/api/plots/7/diary')(401);
    expect(heard).toEqual([]);
  });
});
