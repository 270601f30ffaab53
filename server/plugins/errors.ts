import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * A failure the client caused or must know about, with a stable code and no HTTP in it; the
 * table below gives each code its status. Thrown by domain, registry, io and tiles code alike.
 */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: string,
    message: string,
    /** Extra members for the problem document, such as the list of validation reasons. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** Stable error codes → HTTP status. Codes not listed here are 400. */
export const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  BAD_REQUEST: 400,
  TILE_OUT_OF_RANGE: 400,
  INVALID_FILTER: 400,
  INVALID_BBOX: 400,
  BAD_FILE: 400,
  BAD_ARCHIVE: 400,
  ZIP_LIMIT: 413,
  UNKNOWN_CRS: 422,
  UNSUPPORTED_FORMAT: 415,
  ABORTED: 409,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CSRF: 403,
  NOT_FOUND: 404,
  UNKNOWN_SOURCE: 404,
  UNKNOWN_COLLECTION: 404,
  METHOD_NOT_ALLOWED: 405,
  NOT_ACCEPTABLE: 406,
  CONFLICT: 409,
  TRANSITION_FORBIDDEN: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  VALIDATION_FAILED: 422,
  PRECONDITION_REQUIRED: 428,
  RATE_LIMITED: 429,
  OVERLOADED: 503,
  DATABASE_UNAVAILABLE: 503,
};

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Writes an RFC 9457 problem document. */
export function sendProblem(
  reply: FastifyReply,
  status: number,
  detail: string,
  code?: string,
  extra?: Record<string, unknown>,
): FastifyReply {
  return reply
    .status(status)
    .type('application/problem+json')
    .send({
      // An extension member never takes the place of one RFC 9457 defines (a growing area's
      // `status: "revoked"` once stood where the HTTP status belongs).
      ...extra,
      type: code ? `urn:bando:error:${code}` : 'about:blank',
      title: TITLES[status] ?? 'Error',
      status,
      detail,
      ...(code ? { code } : {}),
    });
}

// PostgreSQL errors that bad input can cause: answered as 4xx instead of 500.
const PG_CLIENT_ERRORS: Readonly<Record<string, [number, string]>> = {
  '23505': [409, 'CONFLICT'], // unique_violation
  '23503': [422, 'VALIDATION_FAILED'], // foreign_key_violation
  '23514': [422, 'VALIDATION_FAILED'], // check_violation
  '23502': [422, 'VALIDATION_FAILED'], // not_null_violation
  '22P02': [400, 'BAD_REQUEST'], // invalid_text_representation
  '22023': [400, 'BAD_REQUEST'], // invalid_parameter_value
  '22003': [400, 'BAD_REQUEST'], // numeric_value_out_of_range
  '22007': [400, 'BAD_REQUEST'], // invalid_datetime_format
  '22008': [400, 'BAD_REQUEST'], // datetime_field_overflow
  '22021': [400, 'BAD_REQUEST'], // character_not_in_repertoire (a NUL byte in text)
  '22025': [400, 'BAD_REQUEST'], // invalid_escape_sequence (a LIKE pattern ending in a backslash)
  XX000: [400, 'BAD_REQUEST'], // PostGIS/GEOS parse errors on client-supplied geometry
  '57014': [503, 'OVERLOADED'], // query_canceled (statement timeout)
  '53300': [503, 'OVERLOADED'], // too_many_connections
};

// The database cannot be reached right now (restarting, its host or the network down): not our
// fault nor the client's, and over in a moment. 503 with Retry-After, so map clients ask again
// (the web map does for tiles) instead of keeping a hole, as a 500 made them.
const PG_UNAVAILABLE = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, or in recovery)
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
  '08006', // connection_failure
]);
// What node-postgres says, with no code, of a connection it lost or could not make in time.
const PG_UNAVAILABLE_MESSAGES =
  /^(Connection terminated( unexpectedly| due to connection timeout)?|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable)$/;

function databaseUnavailable(error: { code?: unknown; message?: unknown; syscall?: unknown }): boolean {
  if (typeof error.code === 'string' && PG_UNAVAILABLE.has(error.code)) return true;
  // A connection that could not be made (refused, unreachable, a name not resolved) or was cut
  // (reset, broken): a socket's own error, and the database's sockets are the app's only outgoing
  // ones. A client that hung up mid-request is told otherwise ('aborted', with no syscall).
  if (error.syscall === 'connect' || error.syscall === 'getaddrinfo') return true;
  if ((error.syscall === 'read' || error.syscall === 'write') && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) return true;
  return PG_UNAVAILABLE_MESSAGES.test(String(error.message));
}

/** The one error handler: domain errors by code, validation as 400, everything else a 500 that reveals nothing. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler(
    (error: FastifyError & { code?: string; details?: Record<string, unknown> }, request: FastifyRequest, reply: FastifyReply) => {
      if (error instanceof AppError) {
        const status = STATUS_BY_CODE[error.code] ?? 400;
        if (status === 503) reply.header('Retry-After', '2');
        return sendProblem(reply, status, error.message, error.code, error.details);
      }
      if (error.validation) {
        return sendProblem(reply, 400, error.message, 'BAD_REQUEST');
      }
      const pg = typeof error.code === 'string' ? PG_CLIENT_ERRORS[error.code] : undefined;
      if (pg) {
        const [status, code] = pg;
        if (status === 503) reply.header('Retry-After', '2');
        return sendProblem(reply, status, status === 503 ? 'The server is busy; try again shortly.' : error.message, code);
      }
      if (databaseUnavailable(error)) {
        request.log.warn({ err: error }, 'database unavailable');
        reply.header('Retry-After', '5');
        return sendProblem(reply, 503, 'The database cannot be reached right now; try again in a few seconds.', 'DATABASE_UNAVAILABLE');
      }
      if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
        return sendProblem(reply, error.statusCode, error.message, error.code);
      }
      request.log.error({ err: error }, 'unhandled error');
      return sendProblem(reply, 500, 'Something went wrong on our side; the error was logged.');
    },
  );
  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    if (wantsPage(request, pathname)) return reply.status(404).type('text/html; charset=utf-8').send(notFoundPage(pathname));
    return sendProblem(reply, 404, `No route for ${request.method} ${pathname}`, 'NOT_FOUND');
  });
}

// Machine paths keep their problem documents whatever the Accept header says: tools read them.
const MACHINE_PATHS = /^\/(api|ogc|tiles|fonts|assets|healthz|readyz|style\.json)(\/|$|\?)/;

/** A person typing or following a link (a browser navigation) gets a page, not a JSON document. */
function wantsPage(request: FastifyRequest, pathname: string): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (MACHINE_PATHS.test(pathname)) return false;
  return /\btext\/html\b/.test(String(request.headers.accept ?? ''));
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The 404 page for people: both languages, the address they asked for, a way back to the map. */
function notFoundPage(pathname: string): string {
  let shown = pathname;
  try {
    shown = decodeURIComponent(pathname);
  } catch {
    // A malformed escape is shown as typed.
  }
  const address = shown.slice(0, 200).replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Không tìm thấy trang · Page not found — Bản đồ số</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:2rem 1rem;color:#1f2933;background:#f5f7fa}
main{max-width:32rem;margin:0 auto}
h1{font-size:1.4rem;margin:0 0 .5rem}
code{background:#e4e7eb;padding:0 .25rem;border-radius:3px;word-break:break-all}
a.home{display:inline-block;margin-top:1rem;padding:.6rem 1rem;background:#0b6e4f;color:#fff;border-radius:6px;text-decoration:none}
p[lang=en]{color:#52606d}
</style>
</head>
<body>
<main>
<h1>Không tìm thấy trang</h1>
<p>Địa chỉ <code>${address}</code> không có trên Bản đồ số. Có thể đường dẫn đã bị gõ sai hoặc bị cắt.</p>
<p lang="en">Page not found: <code>${address}</code> is not an address of this map. The link may be mistyped or cut short.</p>
<a class="home" href="/">Về bản đồ · Back to the map</a>
</main>
</body>
</html>
`;
}
