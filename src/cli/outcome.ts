// How a command ends when it does not throw. Commands return one of these (or throw a typed
// error); cli/main.ts alone turns them into exit codes.

/**
 * - `done`: it did what was asked (a plan with or without changes, unless asked to tell them apart).
 * - `changes`: `plan --detailed-exitcode` found changes.
 * - `failed`: it ran to its end and printed the items that failed (a plan with errors, an apply
 *   with failed or skipped changes); what succeeded is recorded.
 * - `refused`: it ran to its end, and some accounts were refused on purpose (a guard, a held lock, a
 *   stale saved plan, a state bound elsewhere) while none failed; the others were done.
 */
export type Outcome = 'done' | 'changes' | 'failed' | 'refused';
