import { badRequest } from '../../lib/errors.js';

/**
 * The profile fields `@qelos/sdk` sends besides names (`phone`, `birthDate`, `fullName`), checked and
 * normalised once for sign-up and for POST /api/me.
 */

/** Digits with the usual separators and an optional leading `+`; stored as typed (trimmed). */
export function normalisePhone(raw: string | null | undefined): string | null | undefined {
  if (raw === undefined || raw === null) return raw;
  const phone = raw.trim();
  if (phone === '') return null;
  if (!/^\+?[0-9][0-9 ().-]{2,38}$/.test(phone))
    throw badRequest('Invalid phone number', { phone: 'is not a phone number' });
  return phone;
}

/**
 * A calendar date, `YYYY-MM-DD`; a full ISO timestamp (what `new Date().toISOString()` gives a Qelos app)
 * is cut to its date. Must be a real day, after 1900, not in the future.
 */
export function normaliseBirthDate(raw: string | null | undefined, now: number): string | null | undefined {
  if (raw === undefined || raw === null) return raw;
  const text = raw.trim();
  if (text === '') return null;
  const day = /^(\d{4})-(\d{2})-(\d{2})(?:T[0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  const date = day ? new Date(`${day[1]}-${day[2]}-${day[3]}T00:00:00Z`) : undefined;
  const valid =
    day !== null &&
    date !== undefined &&
    !Number.isNaN(date.getTime()) &&
    date.toISOString().startsWith(`${day[1]}-${day[2]}-${day[3]}`) &&
    Number(day[1]) >= 1900 &&
    date.getTime() <= now;
  if (!valid) throw badRequest('Invalid birth date', { birthDate: 'must be a past date, YYYY-MM-DD' });
  return `${day[1]}-${day[2]}-${day[3]}`;
}

/** `fullName` when no first/last name was given: the first word, and the rest. */
export function namesFrom(input: {
  firstName?: string | undefined;
  lastName?: string | undefined;
  fullName?: string | undefined;
}): { firstName: string | undefined; lastName: string | undefined } {
  if (input.firstName !== undefined || input.lastName !== undefined || !input.fullName)
    return { firstName: input.firstName, lastName: input.lastName };
  const full = input.fullName.trim();
  const space = full.indexOf(' ');
  return space < 0
    ? { firstName: full, lastName: '' }
    : { firstName: full.slice(0, space), lastName: full.slice(space + 1).trim() };
}
