// POST /api/import as the browser sends it: one multipart/form-data part named "file".
import type { FastifyInstance } from 'fastify';

/** The uploaded file: its name, its bytes and, if given, the part's Content-Type. */
export type UploadedFile = { name: string; body: Buffer; type?: string };

/** Uploads a file to /api/import?{query} with a bearer token, through app.inject (no port). */
export function importUpload(app: FastifyInstance, file: UploadedFile, query: string, token: string) {
  const boundary = '----bando' + Math.random().toString(16).slice(2);
  const type = file.type ? `\r\nContent-Type: ${file.type}` : '';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"${type}\r\n\r\n`),
    file.body,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return app.inject({
    method: 'POST',
    url: `/api/import?${query}`,
    payload,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${token}` },
  });
}
