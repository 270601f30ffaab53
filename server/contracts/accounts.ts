// Request and response schemas of the accounts API (/api/users, /api/auth/password), and the
// reasons its refusals name. Types are checked by the schemas (a wrong type is a 400); the rules of
// an account (a username's form, a password's length, an officer's communes) by the service, whose
// 422 names each refused field with a reason the web words under that field.
import { Type, type Static } from '@sinclair/typebox';
import { MAX_ACCOUNT_COMMUNES, type AccountReason, type AccountRole } from '../domain/account-rules.ts';

const Id = Type.Integer({ minimum: 1, maximum: 9_007_199_254_740_991 });

export {
  ACCOUNT_REASONS,
  ACCOUNT_ROLES,
  MAX_ACCOUNT_COMMUNES,
  MAX_DISPLAY_NAME,
  type AccountReason,
  type AccountRole,
} from '../domain/account-rules.ts';

/** One refused field of a 422. */
export type AccountFieldError = { field: string; reason: AccountReason; detail: string; codes?: string[] };

// Lengths here only bound what is read (a megabyte of username is a 400); the rules are the service's.
const Text = (max: number) => Type.String({ maxLength: max });
const Communes = Type.Array(Type.String({ maxLength: 32 }), { maxItems: MAX_ACCOUNT_COMMUNES });

/** Body of POST /api/users. */
export const NewAccountBody = Type.Object(
  {
    username: Text(200),
    password: Text(1024),
    role: Text(32),
    displayName: Text(400),
    communes: Type.Optional(Communes),
    farmerId: Type.Optional(Type.Union([Id, Type.Null()])),
  },
  { additionalProperties: false },
);
export type NewAccountBody = Static<typeof NewAccountBody>;

/** Body of PATCH /api/users/:id (with If-Match): what changes. */
export const AccountPatch = Type.Object(
  {
    displayName: Type.Optional(Text(400)),
    role: Type.Optional(Text(32)),
    communes: Type.Optional(Communes),
    farmerId: Type.Optional(Type.Union([Id, Type.Null()])),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type AccountPatch = Static<typeof AccountPatch>;

/** Body of POST /api/users/:id/password: the new password an administrator sets. */
export const SetPasswordBody = Type.Object({ password: Text(1024) }, { additionalProperties: false });
export type SetPasswordBody = Static<typeof SetPasswordBody>;

/** Body of POST /api/auth/password: a signed-in user changes their own password. */
export const ChangePasswordBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 1024 }), newPassword: Text(1024) },
  { additionalProperties: false },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

/** Query of GET /api/users. */
export const AccountListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100 })),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 500 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  },
  { additionalProperties: false },
);
export type AccountListQuery = Static<typeof AccountListQuery>;

/** An account as administrators see it: never its password or hash. */
export type Account = {
  id: number;
  username: string;
  displayName: string;
  role: AccountRole;
  /** Today's commune/ward codes of an officer (empty for other roles). */
  communes: string[];
  farmerId: number | null;
  active: boolean;
  createdAt: string;
  /** The last sign-in (since accounts were managed here), or null. */
  lastSignInAt: string | null;
  version: number;
  /** What PATCH /api/users/:id takes as If-Match. */
  etag: string;
};

/** A commune or ward an officer can be given. */
export type CommuneChoice = { code: string; name: string };

/** Answer of GET /api/users: the accounts, their count, and today's communes and wards by name. */
export type AccountList = { users: Account[]; total: number; communes: CommuneChoice[] };
