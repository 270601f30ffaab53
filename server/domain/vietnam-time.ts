// Vietnam's calendar day, for dates people read (an issue date, a printout's date, a file's name):
// the server and its database may run on UTC, where the day changes at 07:00 in Cao Lãnh.

/** Vietnam's offset from UTC: seven hours, all year (no summer time). */
export const VIETNAM_OFFSET_MS = 7 * 3600_000;

/** Today as YYYY-MM-DD in Vietnam (UTC+7, no summer time), whatever the machine's own zone says. */
export function vietnamToday(now = new Date()): string {
  return new Date(now.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

/** Whether a 'YYYY-MM-DD' date is after today in Vietnam: nothing already done can be dated then. */
export function isAfterVietnamToday(date: string, now = new Date()): boolean {
  return date > vietnamToday(now);
}

/** The same day in SQL, whatever the session's TimeZone: for dates a statement writes. */
export const SQL_VIETNAM_TODAY = `(now() AT TIME ZONE INTERVAL '+07:00')::date`;
