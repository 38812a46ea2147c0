import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestService, type TestService } from './_test-service.js';

let s: TestService;
beforeAll(async () => { s = await startTestService(); }, 120_000);
afterAll(async () => { await s?.close(); });

describe('smoke', () => {
  it('answers', async () => {
    const r = await call(s, '/catalogue/products?limit=2', s.tokens.operator);
    console.log(r.status, r.body.slice(0, 1500));
    const g = await call(s, '/openapi.json');
    console.log(g.status, g.body.slice(0, 300));
  });
});
