// Error bodies in the Laravel style `{message, errors:{field:[…]}}`, which Thalamus and Property Deck are assumed to send (vendor-docs §1, §3: A).

export function describeLaravelError(_status: number, body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { message?: unknown; errors?: Record<string, unknown> };
  const details = b.errors && typeof b.errors === 'object' ? Object.values(b.errors).flat().filter((m) => typeof m === 'string') : [];
  const message = typeof b.message === 'string' ? b.message : undefined;
  return [...new Set([message, ...details].filter(Boolean))].join(' ') || undefined;
}
