// GitHub Actions output: workflow-command annotations for config problems, and the plan in the
// job's step summary. Pure: the CLI decides when (GITHUB_ACTIONS=true) and where to write.

import type { ConfigProblem } from '../errors.js';
import { inertLines, inertText, markdownCode, markdownText } from '../inert.js';

/** At most this many annotations; GitHub shows only the first few per step anyway. */
const MAX_ANNOTATIONS = 10;

/**
 * Escaping of workflow-command data (the message), as the runner unescapes it: a line break stays
 * a line break of the annotation, never a new line of the log (the last guard in cli/io.ts makes
 * every other control character visible).
 */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping of workflow-command properties (file=…, title=…). */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::error file=…,line=…,col=…::message` lines for the first problems, and a line counting the rest. */
export function annotations(problems: readonly ConfigProblem[]): string[] {
  const lines = problems.slice(0, MAX_ANNOTATIONS).map(
    (p) =>
      `::error file=${escapeProperty(inertText(p.position.file))},line=${p.position.line},col=${p.position.col}` +
      // Each line of the message inert (a key's escape codes are text too); its line breaks stay the annotation's.
      `,title=statusform::${escapeData(inertLines(p.message))}`,
  );
  if (problems.length > MAX_ANNOTATIONS) {
    lines.push(`::error title=statusform::${problems.length - MAX_ANNOTATIONS} more problems in the configuration; see the job summary`);
  }
  return lines;
}

/** A table cell: GFM splits cells at `|` even inside a code span, so it is escaped there too. */
const cell = (markdown: string) => markdown.replace(/(?<!\\)\|/g, '\\|');

/** Every problem, as markdown for the step summary: file names and messages inert (no heading, mention, link or HTML). */
export function problemsSummary(problems: readonly ConfigProblem[]): string {
  const rows = problems.map(
    (p) => `| ${cell(markdownCode(`${p.position.file}:${p.position.line}:${p.position.col}`))} | ${cell(markdownText(p.message))} |`,
  );
  return (
    `### statusform: ${problems.length} problem${problems.length === 1 ? '' : 's'} ` +
    `in the configuration\n\n| where | problem |\n|---|---|\n${rows.join('\n')}\n`
  );
}
