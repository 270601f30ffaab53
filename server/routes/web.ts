import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { AppError, sendProblem } from '../plugins/errors.ts';

/** The font stack served when a style names one we do not have (MapLibre asks for the whole stack). */
const FALLBACK_STACK = 'Noto Sans Regular';

/** A glyph PBF with no glyphs: MapLibre accepts it, so a label in an uncovered script draws nothing instead of erroring. */
function emptyRange(stack: string, range: string): Buffer {
  const text = (field: number, value: string) => {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([Buffer.from([(field << 3) | 2, bytes.length]), bytes]);
  };
  const inner = Buffer.concat([text(1, stack), text(2, range)]);
  return Buffer.concat([Buffer.from([(1 << 3) | 2, inner.length]), inner]);
}

function pickEncoding(request: FastifyRequest): 'br' | 'gzip' | undefined {
  const accept = String(request.headers['accept-encoding'] ?? '');
  if (/\bbr\b/.test(accept)) return 'br';
  if (/\bgzip\b/.test(accept)) return 'gzip';
  return undefined;
}

function sendGlyphs(request: FastifyRequest, reply: FastifyReply, dir: string, stack: string, range: string): FastifyReply {
  const file = path.join(dir, stack, `${range}.pbf`);
  reply
    .header('Content-Type', 'application/x-protobuf')
    .header('Cache-Control', 'public, max-age=604800')
    .header('Vary', 'Accept-Encoding');
  if (!fs.existsSync(file)) return reply.send(emptyRange(stack, range));
  const encoding = pickEncoding(request);
  const suffix = encoding === 'br' ? '.br' : encoding === 'gzip' ? '.gz' : '';
  if (suffix && fs.existsSync(file + suffix)) {
    return reply.header('Content-Encoding', encoding!).send(fs.readFileSync(file + suffix));
  }
  return reply.send(fs.readFileSync(file));
}

/**
 * The web client (web/dist, built by `vite build web`) at `/`, and the glyphs its labels need at
 * /fonts/{fontstack}/{start}-{end}.pbf. Registered last: every API route is more specific.
 * Hashed assets are immutable; index.html and the service worker are revalidated on every load.
 */
export async function webRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const dist = ctx.config.webDist;
  const fontsDir = path.join(dist, 'fonts');
  const stacks = fs.existsSync(fontsDir) ? new Set(fs.readdirSync(fontsDir)) : new Set<string>();

  app.get<{ Params: { stack: string; range: string } }>('/fonts/:stack/:range', async (request, reply) => {
    // Up to the last code point (U+10FFFF): MapLibre asks for the planes beyond the first too when a
    // label holds an emoji (an area named "🥭"); those ranges answer the empty glyph set.
    const match = /^(\d{1,7})-(\d{1,7})\.pbf$/.exec(request.params.range);
    const start = match ? Number(match[1]) : NaN;
    const end = match ? Number(match[2]) : NaN;
    if (!match || start % 256 !== 0 || end !== start + 255 || end > 0x10ffff) {
      throw new AppError(
        'BAD_REQUEST',
        'A glyph range is {start}-{end}.pbf with start a multiple of 256 and end = start + 255, up to 1114111 (U+10FFFF).',
      );
    }
    if (request.params.stack.length > 200) throw new AppError('BAD_REQUEST', 'Font stack name too long.');
    // A stack is a comma-separated list of fonts; serve the first one we have.
    const wanted = request.params.stack.split(',').map((s) => s.trim());
    const stack = wanted.find((s) => stacks.has(s)) ?? (stacks.has(FALLBACK_STACK) ? FALLBACK_STACK : undefined);
    if (!stack) throw new AppError('NOT_FOUND', 'No glyphs are installed; build the web client (npm run build:web).');
    return sendGlyphs(request, reply, fontsDir, stack, `${start}-${end}`);
  });

  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    app.get('/', async (_request, reply) =>
      sendProblem(reply, 503, 'The web client is not built yet: run `npm run build:web` (npm start does it for you).', 'WEB_NOT_BUILT'),
    );
    return;
  }

  // Browsers ask for /favicon.ico on any page without an icon link (a JSON answer opened in a tab,
  // /healthz): point them to the app's icon rather than answer 404.
  app.get('/favicon.ico', async (_request, reply) => reply.header('Cache-Control', 'public, max-age=86400').redirect('/favicon.svg', 301));

  await app.register(fastifyStatic, {
    root: dist,
    prefix: '/',
    preCompressed: true,
    cacheControl: false,
    // Never list or serve the glyph folder through the wildcard: /fonts has its own route. Nor a
    // dotfile (the build's source digest, scripts/ensure-web.ts): it is no part of the app.
    allowedPath: (pathName) => !pathName.startsWith('/fonts/') && !pathName.split('/').some((part) => part.startsWith('.')),
    setHeaders(reply, filePath) {
      const relative = path.relative(dist, filePath).split(path.sep).join('/');
      if (relative.startsWith('assets/')) reply.header('Cache-Control', 'public, max-age=31536000, immutable');
      else reply.header('Cache-Control', 'no-cache');
      if (relative === 'sw.js') reply.header('Service-Worker-Allowed', '/');
    },
  });
}
