// Normalisations shared by adapters, so desired and live values compare equal when a user would call them equal.

/** Ordinary white space: what a user types between words (space, tab, line breaks). */
const ORDINARY_SPACE_RUN = /[ \t\n\v\f\r]+/g;

/**
 * A label as compared and sent: in Unicode NFC ("é" as one code point or as "e" + accent is one
 * label), trimmed, and runs of ordinary white space folded to one space: "Sold  STC " is
 * "Sold STC". Other spaces inside a label (a no-break space, U+00A0) are kept as written: they
 * are not what a user types by accident, and the vendor's value must round-trip unchanged.
 */
export function label(value: string): string {
  return value.normalize('NFC').trim().replace(ORDINARY_SPACE_RUN, ' ');
}

/** A key typed by the user (TimeTap's sub_status, a Thalamus id): in Unicode NFC, trimmed. */
export function key(value: string): string {
  return value.normalize('NFC').trim();
}

/** Enumerated values compare case-insensitively: "Pending" is "pending". */
export function enumValue(value: string): string {
  return value.trim().toLowerCase();
}

/** Characters a reader cannot see, by name: they make two keys that look the same differ. */
const INVISIBLE: Record<string, string> = {
  '\u200B': 'ZERO WIDTH SPACE',
  '\u200C': 'ZERO WIDTH NON-JOINER',
  '\u200D': 'ZERO WIDTH JOINER',
  '\u2060': 'WORD JOINER',
  '\uFEFF': 'ZERO WIDTH NO-BREAK SPACE',
};
const INVISIBLE_CHARS = new RegExp(`[${Object.keys(INVISIBLE).join('')}]`, 'g');

/** An invisible character, or a space other than the ordinary ones (a no-break space). */
function unusual(c: string): boolean {
  return INVISIBLE[c] !== undefined || (/\s/.test(c) && !/[ \t\n\v\f\r]/.test(c));
}

function codePoint(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The form of a key that a reader cannot tell from another: NFC, zero-width characters dropped,
 * every run of white space of any kind (a no-break space too) as one space. Two declared keys
 * with the same lookalike are a validation error; a live one is named in the plan's warning.
 */
export function lookalike(value: string): string {
  return value.normalize('NFC').replace(INVISIBLE_CHARS, '').replace(/\s+/g, ' ').trim();
}

/** What makes two lookalikes differ, for messages: e.g. `U+200B ZERO WIDTH SPACE`, or `Unicode normal form`. */
export function invisibleDifference(a: string, b: string): string {
  const names = [...new Set([...a, ...b].filter(unusual))].map(
    (c) => `${codePoint(c)}${INVISIBLE[c] ? ` ${INVISIBLE[c]}` : c === '\u00A0' ? ' NO-BREAK SPACE' : ''}`,
  );
  if (names.length > 0) return names.join(', ');
  return a.normalize('NFC') === b.normalize('NFC') && a !== b ? 'Unicode normal form' : 'white space';
}

/** The text with every invisible character and unusual space written as an escape (`\u200B`), so that messages tell lookalikes apart. */
export function showInvisible(text: string): string {
  return [...text].map((c) => (unusual(c) ? `\\u${codePoint(c).slice(2)}` : c)).join('');
}
