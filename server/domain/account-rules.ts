// The rules of an account that the server enforces and the browser words (server/auth/accounts.service.ts,
// web/src/ui/accounts-dialog.ts): pure constants, no schema library, so the web bundle takes them as they are.

/** Shortest password accepted for an account. */
export const MIN_PASSWORD_LENGTH = 10;

/** The form of a username (users.username's check; create-admin's rule): 3–64 of a–z, 0–9, ".", "_", "-". */
export const USERNAME_PATTERN = /^[a-z0-9._-]{3,64}$/;

/** The roles an account can have. */
export const ACCOUNT_ROLES = ['admin', 'planner', 'officer', 'farmer'] as const;
/** One of ACCOUNT_ROLES. */
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

/** Longest display name kept. */
export const MAX_DISPLAY_NAME = 100;
/** Most communes one officer can be given (a district's worth). */
export const MAX_ACCOUNT_COMMUNES = 200;

/** Why a field of an account was refused (`reason` of each entry of a 422's `errors`, of a 409 or a 403). */
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
/** One of ACCOUNT_REASONS. */
export type AccountReason = (typeof ACCOUNT_REASONS)[keyof typeof ACCOUNT_REASONS];
