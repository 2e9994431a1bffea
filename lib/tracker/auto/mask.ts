/** Longest captured text (element text, aria-label, selection). */
export const MAX_TEXT = 100;

// Emails, also URL-encoded (`a%40b.test` in query strings).
const EMAIL = /[\w.+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+/gi;
// 13–19 digits, optionally grouped by single spaces or dashes: card-shaped, Luhn or not.
const CARD = /\b\d(?:[ -]?\d){12,18}\b/g;
// 123-45-6789 or 123 45 6789.
const SSN = /\b\d{3}[- ]\d{2}[- ]\d{4}\b/g;

/**
 * Masks personal data in any text the tracker captures, collapses whitespace and cuts it
 * to `max` characters (after masking, so a cut never leaves half an email behind).
 *
 * @example
 * mask('Mail jo@x.io, card 4111 1111 1111 1111') // → 'Mail [email], card [card]'
 */
export function mask(text: string | null | undefined, max = MAX_TEXT): string {
  if (!text) return '';
  return String(text)
    .slice(0, max * 4)
    .replace(/\s+/g, ' ')
    .trim()
    .replace(EMAIL, '[email]')
    .replace(CARD, '[card]')
    .replace(SSN, '[ssn]')
    .slice(0, max);
}

/**
 * A URL with query values removed (names kept) and personal data masked: query values
 * are where tokens and emails live.
 *
 * @example
 * cleanUrl('https://a.test/p?email=jo@x.io&page=2') // → 'https://a.test/p?email=&page='
 */
export function cleanUrl(url: string, max = 500): string {
  return mask(String(url).replace(/([?&][^=&#]*)=[^&#]*/g, '$1='), max);
}
