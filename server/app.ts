import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from './context.ts';
import { registerErrorHandler } from './plugins/errors.ts';
import { registerAuth } from './plugins/auth.ts';
import { registerPrivateAnswers } from './plugins/private-answers.ts';
import { authRoutes } from './routes/auth.ts';
import { accountRoutes } from './routes/accounts.ts';
import { ogcRoutes } from './routes/ogc.ts';
import { healthRoutes } from './routes/health.ts';
import { landUseCodeRoutes } from './routes/land-use-codes.ts';
import { cropRoutes } from './routes/crops.ts';
import { landUseMapRoutes } from './routes/landuse-maps.ts';
import { styleRoutes } from './routes/style.ts';
import { webRoutes } from './routes/web.ts';
import { tileRoutes } from './routes/tiles.ts';
import { importRoutes } from './routes/import.ts';
import { exportRoutes } from './routes/export.ts';
import { lookupRoutes } from './routes/lookup.ts';
import { registryRoutes } from './routes/registry.ts';
import { searchRoutes } from './routes/search.ts';

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
    trustProxy: ctx.config.trustProxy,
    routerOptions: {
      // Composite tile paths (/tiles/a,b,c/…) and OGC feature ids can be long.
      maxParamLength: 500,
      // /ogc/collections/ and /ogc/collections are the same resource to GDAL and QGIS.
      ignoreTrailingSlash: true,
    },
  });
  registerErrorHandler(app);

  // Cross-cutting plugins (one line each, in this order): cookies and auth (request.viewer), compression.
  await registerAuth(app, ctx);
  registerPrivateAnswers(app);

  // Route areas (one line each): health, tiles, ogc, api (auth, search, registry, import/export), then the web client last.
  await app.register(async (scope) => healthRoutes(scope, ctx));
  await app.register(async (scope) => tileRoutes(scope, ctx));
  await app.register(async (scope) => ogcRoutes(scope, ctx));
  await app.register(async (scope) => authRoutes(scope, ctx));
  await app.register(async (scope) => accountRoutes(scope, ctx));
  await app.register(async (scope) => landUseCodeRoutes(scope, ctx));
  await app.register(async (scope) => cropRoutes(scope, ctx));
  await app.register(async (scope) => landUseMapRoutes(scope, ctx));
  await app.register(async (scope) => styleRoutes(scope, ctx));
  await app.register(async (scope) => importRoutes(scope, ctx));
  await app.register(async (scope) => exportRoutes(scope, ctx));
  await app.register(async (scope) => searchRoutes(scope, ctx));
  await app.register(async (scope) => lookupRoutes(scope, ctx));
  await app.register(async (scope) => registryRoutes(scope, ctx));
  // The web client stays last: its static wildcard must not shadow any API route.
  await app.register(async (scope) => webRoutes(scope, ctx));

  await app.ready();
  return app;
}
