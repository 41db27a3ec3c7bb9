// Vendor answers are checked by validators compiled at build time (`npm run schema`): a run never
// loads ajv's compiler for them. These tests keep the generated file current and show that the
// precompiled validators judge an answer as a runtime-compiled one would.

import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { digest } from '../../src/digest.js';
import { answerShapes, answerValidatorsText } from '../../scripts/answer-validators.js';
import { ANSWER_AJV_OPTIONS, answerProblem } from '../../src/http/answer.js';
import { byDigest } from '../../src/http/answer-validators.generated.js';
import { STATUS_PAGE } from '../../src/vendors/propertydeck/api.js';

describe('the precompiled answer validators', () => {
  it('are exactly what the vendor folders declare (run `npm run schema` after changing a shape)', async () => {
    const onDisk = readFileSync(new URL('../../src/http/answer-validators.generated.ts', import.meta.url), 'utf8');
    expect(onDisk).toBe(await answerValidatorsText());
  });

  it("cover every vendor's shapes, each answered as ajv compiling it at run time would", async () => {
    const shapes = await answerShapes();
    expect(shapes.length).toBeGreaterThanOrEqual(20); // six vendors' list, item, write and error bodies, and the saved plan
    const ajv = new Ajv(ANSWER_AJV_OPTIONS);
    const samples: unknown[] = [null, {}, [], 'x', { data: [] }, { data: [{ uuid: 'u' }] }, { error: 'x' }, { format_version: '2.2' }];
    for (const { digest: d, shape } of shapes) {
      const pre = (byDigest as Record<string, ((v: unknown) => boolean) | undefined>)[d];
      expect(pre, shape.name).toBeTypeOf('function');
      const runtime = ajv.compile(shape.schema);
      for (const sample of samples) expect(pre!(sample), `${shape.name}: ${JSON.stringify(sample)}`).toBe(runtime(sample));
    }
  });

  it('name what is wrong the same way: a page of Property Deck statuses lacking a uuid', () => {
    expect((byDigest as Record<string, unknown>)[digest(STATUS_PAGE.schema)]).toBeDefined();
    expect(answerProblem(STATUS_PAGE, { data: [{ label: 'A' }], meta: { pagination: { current_page: 1, total_pages: 1 } } })).toMatch(
      /^it is not a page of Property Deck statuses: \/data\/0 lacks "uuid"/,
    );
  });
});
