// An answer's body: its text as JSON, or, for a 2xx that must be JSON, what is wrong with it;
// and what an error answer says, on one line.

import { inertText } from '../inert.js';
import { answerProblem, preview } from './answer.js';
import type { HttpClientOptions, HttpResponse } from './contract.js';

/**
 * A 2xx body as JSON, or what is wrong with it: empty, an HTML page, cut short, not JSON. A body
 * that need not be anything (no `answer` shape, e.g. a 204) may be empty.
 */
export function parseAnswer(
  text: string,
  contentType: string | undefined,
  required: boolean,
): { ok: true; body: unknown } | { ok: false; problem: string } {
  if (text.trim().length === 0) return required ? { ok: false, problem: 'the body is empty' } : { ok: true, body: null };
  try {
    return { ok: true, body: JSON.parse(text) };
  } catch (err) {
    if (!required) return { ok: true, body: text };
    if (/html/i.test(contentType ?? '') || /^\s*</.test(text))
      return { ok: false, problem: `the body is an HTML page, not JSON (${preview(text, 80)})` };
    if (/^\s*[[{]/.test(text)) return { ok: false, problem: `the JSON is cut short or broken (${(err as Error).message})` };
    return { ok: false, problem: `the body is not JSON (${preview(text, 80)})` };
  }
}

/** An error answer's body: JSON when it parses, else the text as it came (null when empty). */
export function parseBody(text: string): unknown {
  if (text.length === 0) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * What an error answer says, on one line and inert (it goes into notices, errors and logs): the
 * vendor's own message when the body has the documented error shape, else the body as it came.
 */
export function describeErrorAnswer(res: HttpResponse<unknown>, vendor: Pick<HttpClientOptions, 'errorShape' | 'describeError'>): string {
  const documented = vendor.errorShape === undefined || answerProblem(vendor.errorShape, res.body) === undefined;
  const own = documented ? vendor.describeError?.(res.status, res.body) : undefined;
  if (own) return inertText(own);
  if (res.body !== null && res.body !== undefined) return inertText(`(not the vendor's documented error body) ${preview(res.body, 120)}`);
  return 'with an empty body';
}
