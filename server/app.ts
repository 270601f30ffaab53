import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from './context.ts';
import { registerErrorHandler } from './plugins/errors.ts';
import { healthRoutes } from './routes/health.ts';

export type BuildOptions = {
  /** Pino logger options, or false for silence (tests). */
  logger?: boolean | { level: string };
};

/**
 * Builds the app from plugins in a fixed order: errors → cross-cutting plugins → routes.
 * It never listens: main.ts does, and tests call app.inject().
 */
export async function buildApp(ctx: AppContext, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? { level: ctx.config.logLevel },
    // Large enough for a GeoJSON plot with thousands of vertices; uploads have their own limit.
    bodyLimit: 5 * 1024 * 1024,
    maxParamLength: 500,
    trustProxy: true,
    // Reject ambiguous request targets rather than guess.
    ignoreTrailingSlash: true,
  });
  registerErrorHandler(app);

  // Cross-cutting plugins (one line each, in this order): cookies and auth (request.viewer), compression.

  // Route areas (one line each): health, tiles, ogc, api (auth, search, registry, import/export), then the web client last.
  await app.register(async (scope) => healthRoutes(scope, ctx));

  await app.ready();
  return app;
}
