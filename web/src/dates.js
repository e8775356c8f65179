// Dates in kflow are strings: YYYY, YYYY-MM or YYYY-MM-DD, or null when the source gives none.

/** The year a kflow date starts in, or null for an undated record. */
export function yearOf(date) {
  if (!date) return null;
  const year = Number.parseInt(String(date).slice(0, 4), 10);
  return Number.isFinite(year) ? year : null;
}

/** How a date reads on the page: the date itself, or "undated". */
export function describeDate(date) {
  return date ? String(date) : "undated";
}

/** A period's label: "1998–2008", "2001" or "undated". */
export function describePeriod(date, until) {
  if (!date) return "undated";
  return until && until !== date ? `${date}–${until}` : String(date);
}

/**
 * Whether a record dated [date, until] falls in the year range (either end may be null = open).
 * Returns null for an undated record: the caller decides, and the page keeps those visible.
 */
export function overlapsRange(date, until, range) {
  const start = yearOf(date);
  if (start === null) return null;
  const end = yearOf(until) ?? start;
  if (range.since !== null && end < range.since) return false;
  if (range.until !== null && start > range.until) return false;
  return true;
}

/** Whether the range filters anything at all. */
export function isOpenRange(range) {
  return range.since === null && range.until === null;
}
