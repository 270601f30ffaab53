import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';

/** /healthz: the process answers. /readyz: the database answers and the data is in place. */
export async function healthRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    if (!ctx.ready.value) return reply.status(503).header('Retry-After', '5').send({ status: 'starting' });
    try {
      await ctx.db.query('SELECT 1');
    } catch {
      return reply.status(503).header('Retry-After', '5').send({ status: 'database unavailable' });
    }
    return { status: 'ready', database: ctx.db.capabilities.kind, postgis: ctx.db.capabilities.postgisVersion };
  });
}
