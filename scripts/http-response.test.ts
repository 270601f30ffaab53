import { describe, expect, it } from 'vitest';
import { parseResponse } from './http-response.ts';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('parseResponse', () => {
  it('waits for the whole body of a Content-Length response, then gives its length', () => {
    const whole = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Encoding: gzip\r\n\r\nabcde';
    expect(parseResponse(b(whole.slice(0, 20)))).toBeUndefined();
    expect(parseResponse(b(whole.slice(0, -1)))).toBeUndefined();
    expect(parseResponse(b(whole + 'HTTP/1.1 204'))).toEqual({ status: 200, length: whole.length, close: false });
  });

  it('reads chunked bodies to the last chunk', () => {
    const whole = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\na\r\n0123456789\r\n0\r\n\r\n';
    expect(parseResponse(b(whole.slice(0, -3)))).toBeUndefined();
    expect(parseResponse(b(whole))).toEqual({ status: 200, length: whole.length, close: false });
  });

  it('knows that 204 and 304 have no body and sees Connection: close', () => {
    const empty = 'HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n';
    expect(parseResponse(b(empty + 'HTTP/1.1 200'))).toEqual({ status: 204, length: empty.length, close: false });
    const notModified = 'HTTP/1.1 304 Not Modified\r\nConnection: close\r\n\r\n';
    expect(parseResponse(b(notModified))).toEqual({ status: 304, length: notModified.length, close: true });
  });
});
