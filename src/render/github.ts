// GitHub Actions output: workflow-command annotations for config problems, and the plan in the
// job's step summary. Pure: the CLI decides when (GITHUB_ACTIONS=true) and where to write.

import type { ConfigProblem } from '../errors.js';

/** At most this many annotations; GitHub shows only the first few per step anyway. */
export const MAX_ANNOTATIONS = 10;

/** Escaping of workflow-command data (the message). */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping of workflow-command properties (file=…, title=…). */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::error file=…,line=…,col=…::message` lines for the first problems, and a line counting the rest. */
export function annotations(problems: readonly ConfigProblem[]): string[] {
  const lines = problems
    .slice(0, MAX_ANNOTATIONS)
    .map(
      (p) =>
        `::error file=${escapeProperty(p.position.file)},line=${p.position.line},col=${p.position.col}` +
        `,title=statusform::${escapeData(p.message)}`,
    );
  if (problems.length > MAX_ANNOTATIONS) {
    lines.push(`::error title=statusform::${problems.length - MAX_ANNOTATIONS} more problems in the configuration; see the job summary`);
  }
  return lines;
}

/** Every problem, as markdown for the step summary. */
export function problemsSummary(problems: readonly ConfigProblem[]): string {
  const rows = problems.map(
    (p) => `| \`${p.position.file}:${p.position.line}:${p.position.col}\` | ${p.message.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`,
  );
  return (
    `### statusform: ${problems.length} problem${problems.length === 1 ? '' : 's'} ` +
    `in the configuration\n\n| where | problem |\n|---|---|\n${rows.join('\n')}\n`
  );
}
