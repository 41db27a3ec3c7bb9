// Normalisations shared by adapters, so desired and live values compare equal when a user would call them equal.

/** Trims and folds runs of white space to one space: "Sold  STC " and "Sold STC" are the same label. */
export function label(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

/** Enumerated values compare case-insensitively: "Pending" is "pending". */
export function enumValue(value: string): string {
  return value.trim().toLowerCase();
}
