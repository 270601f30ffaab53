import { HttpError, watchAnswer } from './http.ts';

/**
 * An upload's answer: its HTTP status, its JSON body (undefined when the answer is not JSON), its
 * Location header and its Retry-After header (a busy server's 503 says when to come back; null without one).
 */
export type UploadAnswer = {
  status: number;
  body: Record<string, unknown> | undefined;
  location: string | null;
  retryAfter: string | null;
};

/** How to send one upload. */
export type UploadRequest = {
  url: string;
  body: XMLHttpRequestBodyInit;
  headers: Record<string, string>;
  /** No progress for this long while sending (or no answer for as long after) counts as offline. */
  stallMs: number;
  /** Bytes sent so far, and the total when the browser knows it. */
  onProgress: (loaded: number, total: number | undefined) => void;
  /** The whole body has left the browser (the server has yet to answer). */
  onSent?: () => void;
};

/**
 * POSTs a body with XMLHttpRequest, because fetch reports no upload progress. A phone that loses its
 * signal mid-upload may leave the request hanging without an error, so a stall aborts it. Any HTTP
 * answer resolves; a lost connection or a stall rejects with an HttpError of status 0 ("offline").
 * A 401 tells the page its session ended (http.ts, onUnauthenticated), as any request's does.
 */
export function postWithProgress(request: UploadRequest): Promise<UploadAnswer> {
  return new Promise((resolve, reject) => {
    const answered = watchAnswer(request.url);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', request.url);
    for (const [name, value] of Object.entries(request.headers)) xhr.setRequestHeader(name, value);
    let last = Date.now();
    const watchdog = setInterval(() => {
      if (Date.now() - last > request.stallMs) xhr.abort();
    }, 1000);
    xhr.addEventListener('loadend', () => clearInterval(watchdog));
    xhr.upload.addEventListener('progress', (event) => {
      last = Date.now();
      request.onProgress(event.loaded, event.lengthComputable && event.total > 0 ? event.total : undefined);
    });
    xhr.upload.addEventListener('load', () => {
      last = Date.now();
      request.onSent?.();
    });
    xhr.addEventListener('load', () => {
      let body: Record<string, unknown> | undefined;
      try {
        body = JSON.parse(xhr.responseText) as Record<string, unknown>;
      } catch {
        // An answer that is not JSON (a proxy's error page) is judged by its status alone.
        body = undefined;
      }
      answered(xhr.status);
      resolve({ status: xhr.status, body, location: xhr.getResponseHeader('Location'), retryAfter: xhr.getResponseHeader('Retry-After') });
    });
    const offline = () => reject(new HttpError(0, 'offline', undefined, undefined));
    xhr.addEventListener('error', offline);
    xhr.addEventListener('abort', offline);
    xhr.send(request.body);
  });
}
