// Error bodies in the Laravel style `{message, errors:{field:[…]}}`, which Thalamus and Property Deck are
// assumed to send (vendor-docs §1, §3: A).

import type { AnswerShape } from '../http/answer.js';

export function describeLaravelError(_status: number, body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { message?: unknown; errors?: Record<string, unknown> };
  const details =
    b.errors && typeof b.errors === 'object'
      ? Object.values(b.errors)
          .flat()
          .filter((m) => typeof m === 'string')
      : [];
  const message = typeof b.message === 'string' ? b.message : undefined;
  return [...new Set([message, ...details].filter(Boolean))].join(' ') || undefined;
}

/** The error body: `{message, errors?}` (A: Laravel's shape, for Thalamus and Property Deck). */
export const LARAVEL_ERROR: AnswerShape = {
  name: 'a Laravel-style error body',
  schema: { type: 'object', required: ['message'], properties: { message: { type: 'string' }, errors: { type: 'object' } } },
};
