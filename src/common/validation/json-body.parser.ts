import { errorCodes, FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationFailedException } from '../errors';

/**
 * The first key that would reach an object's prototype once the body is copied (what Fastify's
 * own parser refuses: `onProtoPoisoning`, `onConstructorPoisoning`), walked without recursion
 * since the depth limit is only checked later. JSON.parse itself only ever makes such keys own
 * properties, so looking after parsing is safe.
 */
function prototypeKeyIn(parsed: unknown): string | undefined {
  const pending = [parsed];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current !== 'object' || current === null) continue;
    for (const [key, value] of Object.entries(current)) {
      if (key === '__proto__') return key;
      if (key === 'constructor' && typeof value === 'object' && value !== null && Object.hasOwn(value, 'prototype')) return 'constructor.prototype';
      pending.push(value);
    }
  }
  return undefined;
}

/** Fastify's JSON parsing, except that a forbidden key is named instead of called "not valid JSON". */
function parseJsonBody(_request: FastifyRequest, text: string, done: (error: Error | null, body?: unknown) => void): void {
  if (text.length === 0) return done(new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY());
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return done(new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY());
  }
  // Such a key is spelled out in the text, or hidden behind a \u escape.
  const forbidden = /__proto__|constructor|\\u/.test(text) ? prototypeKeyIn(parsed) : undefined;
  if (forbidden) done(new ValidationFailedException([`request body must not contain the key ${forbidden}`]));
  else done(null, parsed);
}

/**
 * JSON is the only body the API takes: every other content type (Fastify's text/plain parser
 * included) is refused before its body is read (FST_ERR_CTP_INVALID_MEDIA_TYPE, answered as 400
 * naming the type). The app is created with `bodyParser: false` so that Nest adds no parsers
 * (it would accept application/x-www-form-urlencoded).
 */
export function registerJsonBodyParser(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, parseJsonBody);
}
