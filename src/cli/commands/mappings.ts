// `statusform mappings`: the category × account matrix, from the config alone (no network, so
// no credentials: unset variables are no problem here).

import { UsageError } from '../../errors.js';
import { mappingMatrix, renderMappingsMarkdown, renderMappingsText } from '../../render/mappings.js';
import { loadOrThrow } from '../context.js';
import { write, type Io } from '../io.js';
import type { Outcome } from '../outcome.js';

export async function mappingsCommand(io: Io, opts: { config?: string; format?: string }): Promise<Outcome> {
  const format = opts.format ?? 'text';
  if (format !== 'text' && format !== 'markdown') throw new UsageError(`--format must be text or markdown (got "${format}")`);
  const matrix = mappingMatrix(loadOrThrow(io, opts.config, { unsetEnvAllowed: true }));
  write(io.stdout, format === 'markdown' ? renderMappingsMarkdown(matrix) : renderMappingsText(matrix));
  return 'done';
}
