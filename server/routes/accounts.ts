// Accounts under /api/users, for administrators only (401 signed out, 403 other roles; cookie writes
// need the CSRF header like every other). Thin: each handler calls one function of
// server/auth/accounts.service.ts.
//
//   GET    /api/users?q&limit&offset   {users, total, communes}: accounts (never a password hash) and
//                                      today's communes/wards by name, for an officer's choice
//   POST   /api/users                  {username, password, role, displayName, communes?, farmerId?}; 201 with
//                                      ETag; 409 username-taken; 422 {reason, field, errors: [{field, reason}]}
//   GET    /api/users/:id              one account; ETag "id-version"
//   PATCH  /api/users/:id              {displayName?, role?, communes?, farmerId?, active?} with If-Match (428
//                                      without, 412 stale with currentETag); 409 own-role, own-active,
//                                      last-admin; a change of rights ends the account's sessions
//   POST   /api/users/:id/password     {password}: 204; the account's sessions end
//
// Every body is refused 400 (reason unknown-field) when it holds a member its schema does not declare.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AccountListQuery, AccountPatch, NewAccountBody, SetPasswordBody } from '../contracts/accounts.ts';
import { IdParams } from '../contracts/registry.ts';
import type { AppContext } from '../context.ts';
import * as accounts from '../auth/accounts.service.ts';
import { refuseUnknownBodyFields } from '../plugins/unknown-fields.ts';
import { viewerOf } from './registry.ts';

/** Registers the accounts routes. */
export async function accountRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx;
  type Req<P = unknown, Q = unknown, B = unknown> = FastifyRequest<{ Params: P; Querystring: Q; Body: B }>;
  // Who asks is settled before the body is read: a planner gets 403 whatever they sent, not a 400 about it.
  app.addHook('onRequest', async (req) => accounts.requireAdmin(viewerOf(req)));
  app.addHook('onRoute', refuseUnknownBodyFields);
  // A PATCH may say it is a JSON merge patch (the web's sendJson does): its body is JSON all the same.
  app.addContentTypeParser('application/merge-patch+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

  app.get('/api/users', { schema: { querystring: AccountListQuery } }, async (req: Req<unknown, AccountListQuery>, reply) => {
    reply.header('Cache-Control', 'no-store');
    return accounts.listAccounts(db, viewerOf(req), req.query);
  });

  app.post('/api/users', { schema: { body: NewAccountBody } }, async (req: Req<unknown, unknown, NewAccountBody>, reply) => {
    const account = await accounts.createAccount(db, viewerOf(req), req.body);
    return reply.status(201).header('Location', `/api/users/${account.id}`).header('ETag', account.etag).send(account);
  });

  app.get('/api/users/:id', { schema: { params: IdParams } }, async (req: Req<IdParams>, reply) => {
    const account = await accounts.getAccount(db, viewerOf(req), req.params.id);
    return reply.header('Cache-Control', 'no-store').header('ETag', account.etag).send(account);
  });

  app.patch(
    '/api/users/:id',
    { schema: { params: IdParams, body: AccountPatch } },
    async (req: Req<IdParams, unknown, AccountPatch>, reply) => {
      const account = await accounts.updateAccount(db, viewerOf(req), req.params.id, req.headers['if-match'], req.body);
      return reply.header('ETag', account.etag).send(account);
    },
  );

  app.post(
    '/api/users/:id/password',
    { schema: { params: IdParams, body: SetPasswordBody } },
    async (req: Req<IdParams, unknown, SetPasswordBody>, reply) => {
      await accounts.setAccountPassword(db, viewerOf(req), req.sessionToken, req.params.id, req.body.password);
      return reply.status(204).send();
    },
  );
}
