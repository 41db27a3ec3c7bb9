// `npm run schema`: writes the published JSON Schemas (schemas/*.json) and the precompiled
// validators (src/**/*.generated.ts) from what src/ declares. Run from its compiled form in
// build/scripts/ (tsconfig.scripts.json), so the repository is two folders up.

import { writeFileSync } from 'node:fs';
import { answerValidatorsText } from './answer-validators.js';
import { applyEventsSchemaText } from './apply-events-schema.js';
import { schemaText, validatorText } from './config-schema.js';
import { planSchemaText } from './plan-schema.js';

const root = new URL('../../', import.meta.url);
const write = (path: string, text: string) => writeFileSync(new URL(path, root), text);

write('schemas/statusform.schema.json', schemaText());
write('src/config/validate-config.generated.ts', validatorText());
write('schemas/plan.schema.json', planSchemaText());
write('src/http/answer-validators.generated.ts', await answerValidatorsText());
write('schemas/apply-events.schema.json', applyEventsSchemaText());
