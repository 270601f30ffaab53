import { describe, expect, it } from 'vitest';
import { describeError, HttpError } from './http.ts';

describe('describeError', () => {
  it('words a database that cannot be reached apart from a busy server (both 503)', () => {
    const down = new HttpError(
      503,
      'The database cannot be reached right now; try again in a few seconds.',
      {
        status: 503,
        code: 'DATABASE_UNAVAILABLE',
      },
      undefined,
    );
    const busy = new HttpError(503, 'The server is busy; try again shortly.', { status: 503, code: 'OVERLOADED' }, undefined);
    expect(describeError(down)).toBe('chưa kết nối được cơ sở dữ liệu của bản đồ; thử lại sau giây lát');
    expect(describeError(busy)).toBe('máy chủ đang bận; thử lại sau ít phút');
  });
});
