// Request and response schemas of the accounts API (/api/users, /api/auth/password), and the
// reasons its refusals name. Types are checked by the schemas (a wrong type is a 400); the rules of
// an account (a username's form, a password's length, an officer's communes) by the service, whose
// 422 names each refused field with a reason the web words under that field.
import { Type, type Static } from '@sinclair/typebox';

const Id = Type.Integer({ minimum: 1, maximum: 9_007_199_254_740_991 });

/** The roles an account can have. */
export const ACCOUNT_ROLES = ['admin', 'planner', 'officer', 'farmer'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

/** Longest display name kept. */
export const MAX_DISPLAY_NAME = 100;
/** Most communes one officer can be given (a district's worth). */
export const MAX_ACCOUNT_COMMUNES = 200;

/** Why a field of an account was refused (`reason` of each entry of a 422's `errors`, or of a 409). */
export const ACCOUNT_REASONS = {
  USERNAME_SHAPE: 'username-shape',
  USERNAME_TAKEN: 'username-taken',
  PASSWORD_SHORT: 'password-too-short',
  PASSWORD_WRONG: 'current-password-wrong',
  ROLE_UNKNOWN: 'role-unknown',
  DISPLAY_NAME_REQUIRED: 'display-name-required',
  DISPLAY_NAME_LONG: 'display-name-too-long',
  DISPLAY_NAME_CONTROL: 'display-name-control',
  COMMUNES_REQUIRED: 'communes-required',
  COMMUNE_UNKNOWN: 'commune-unknown',
  COMMUNES_OFFICER_ONLY: 'communes-officer-only',
  FARMER_REQUIRED: 'farmer-required',
  FARMER_UNKNOWN: 'farmer-unknown',
  FARMER_FARMER_ONLY: 'farmer-farmer-only',
  OWN_ROLE: 'own-role',
  OWN_ACTIVE: 'own-active',
  LAST_ADMIN: 'last-admin',
} as const;
export type AccountReason = (typeof ACCOUNT_REASONS)[keyof typeof ACCOUNT_REASONS];

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
