// Expected values for the refget compliance sequences, read from test/fixtures (independent of the
// code under test), and the JSON error-body checks the refget JSON endpoints share.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import type t from 'tap';
import { FIXTURES } from './sample-store.js';

export type Name = 'I' | 'VI' | 'NC';
export const NAMES: readonly Name[] = ['I', 'VI', 'NC'];

export interface ExpectedIds {
  length: number;
  circular: boolean;
  md5: string;
  trunc512: string;
  ga4gh: string;
  aliases: { alias: string; naming_authority: string }[];
}

/** test/fixtures/refget/expected-ids.json: every identifier form of I, VI and NC. */
export const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, 'refget', 'expected-ids.json'), 'utf8')) as Record<
  Name,
  ExpectedIds
>;

export const REFGET_JSON_TYPE = 'application/vnd.ga4gh.refget.v2.0.0+json; charset=us-ascii';
/** What the GA4GH compliance suite sends to JSON endpoints. */
export const SUITE_JSON_ACCEPT = 'application/vnd.ga4gh.refget.v1.0.0+json,application/vnd.ga4gh.refget.v2.0.0+json';
/** What a browser sends. */
export const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** The subtest object tap passes to t.test callbacks. */
export type Test = Parameters<Parameters<typeof t.test>[0]>[0];

/**
 * A refget JSON error: status, content type, CORS, `{error, message}`, no stack anywhere, and
 * none of the success document's top-level key (`absentKey`) in the body.
 */
export function assertJsonError(
  t: Test,
  res: LightMyRequestResponse,
  status: number,
  code: string,
  msg: string,
  absentKey: { key: string; label: string },
): Record<string, unknown> {
  t.equal(res.statusCode, status, `${msg}: status ${status}`);
  t.equal(res.headers['content-type'], REFGET_JSON_TYPE, `${msg}: error content-type`);
  t.equal(res.headers['access-control-allow-origin'], '*', `${msg}: CORS`);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  t.equal(body.error, code, `${msg}: error code`);
  t.type(body.message, 'string', `${msg}: message`);
  t.notOk('stack' in body, `${msg}: no stack key`);
  t.notMatch(res.body, /\bat .+\.(?:ts|js):\d+/, `${msg}: no stack frames`);
  t.notOk(absentKey.key in body, `${msg}: ${absentKey.label}`);
  return body;
}
