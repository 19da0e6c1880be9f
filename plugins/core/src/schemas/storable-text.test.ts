// The request-schema building blocks every plugin shares: text PostgreSQL can store, bounded page
// numbers, and the one parser the hand-parsed (EE) routes use to answer 400 by field.
import t from 'tap';
import { z } from 'zod';
import { BadRequest } from '../errors.js';
import {
  BODY_MUST_BE_OBJECT,
  INT4_MAX,
  optionalText,
  pageQuery,
  parseInput,
  requestBody,
  STORABLE_TEXT_MESSAGE,
  storableText,
  text,
  UNPAIRED_SURROGATE_MESSAGE,
} from './common.js';

const messagesOf = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => i.message);
};

t.test('storableText refuses NUL and unpaired surrogates, and keeps everything else as given', async (t) => {
  const schema = storableText();
  t.same(messagesOf(schema, 'a\u0000b'), [STORABLE_TEXT_MESSAGE]);
  t.same(messagesOf(schema, '\u0000'), [STORABLE_TEXT_MESSAGE]);
  t.same(messagesOf(schema, 'x\uD800'), [UNPAIRED_SURROGATE_MESSAGE], 'a high surrogate without its low half');
  t.same(messagesOf(schema, '\uDC00x'), [UNPAIRED_SURROGATE_MESSAGE], 'a low surrogate without its high half');
  t.same(messagesOf(schema, '\uDC00\uD800'), [UNPAIRED_SURROGATE_MESSAGE], 'a pair in the wrong order');
  for (const fine of ['', 'Acme', 'Zoë 😀 — 東京', 'tab\tand\nnewline', '\u0001\u001f\u007f']) {
    t.equal(schema.parse(fine), fine, JSON.stringify(fine));
  }
  t.same(messagesOf(schema, 5), ['Invalid input: expected string, received number']);
});

t.test('text() and optionalText() build on it: NUL gets one readable message, not a pile of them', async (t) => {
  t.same(messagesOf(text(5), '\u0000'), [STORABLE_TEXT_MESSAGE]);
  t.same(messagesOf(text(5), 'much too long\u0000'), [STORABLE_TEXT_MESSAGE]);
  t.equal(text(10).parse('  Acme  '), 'Acme');
  t.same(messagesOf(text(10), '   '), ['must not be empty']);
  t.same(messagesOf(optionalText(10), 'a\u0000'), [STORABLE_TEXT_MESSAGE]);
  t.equal(optionalText(10).parse('  '), null, 'blank clears');
  t.equal(optionalText(10).parse(undefined), undefined, 'absent stays absent');
});

t.test('pageQuery bounds limit and offset to what PostgreSQL takes', async (t) => {
  t.same(pageQuery.parse({}), { limit: 100, offset: 0 });
  t.same(pageQuery.parse({ limit: '5', offset: String(INT4_MAX) }), { limit: 5, offset: INT4_MAX });
  for (const offset of [String(INT4_MAX + 1), '99999999999999999999999', '1e400', '-1', '1.5', 'abc']) {
    t.notOk(pageQuery.safeParse({ offset }).success, `offset=${offset}`);
  }
  for (const limit of ['0', '501', '1e400', 'NaN']) t.notOk(pageQuery.safeParse({ limit }).success, `limit=${limit}`);
});

t.test('requestBody names a body that is not a JSON object, and only the body', async (t) => {
  const body = requestBody({ name: text(10) });
  for (const value of [null, undefined, [], 'name', 7, true]) {
    t.same(messagesOf(body, value), [BODY_MUST_BE_OBJECT], JSON.stringify(value) ?? 'undefined');
  }
  t.same(messagesOf(body, { name: 5 }), ['Invalid input: expected string, received number'], 'field problems keep their own message');
  t.same(messagesOf(body.partial(), null), [BODY_MUST_BE_OBJECT], '.partial() keeps the message');
  t.same(messagesOf(body.extend({ n: z.number() }), null), [BODY_MUST_BE_OBJECT], '.extend() keeps the message');
  t.same(body.partial().parse({}), {});
});

t.test('parseInput: null, an array or a bare value as the body is a 400; no body at all is no fields', async (t) => {
  const schema = z.object({ name: text(10).optional() });
  for (const value of [null, [], 'x', 0, false]) {
    const err = t.throws(() => parseInput(schema, value)) as unknown as BadRequest;
    t.ok(err instanceof BadRequest, JSON.stringify(value));
    t.equal(err.statusCode, 400);
    t.same(err.details, { fields: [{ field: 'body', message: BODY_MUST_BE_OBJECT }] });
  }
  t.same(parseInput(schema, undefined), {});
  t.same(parseInput(schema, { name: ' Acme ' }), { name: 'Acme' });
});

t.test('parseInput names each bad field, prefixed for query and params', async (t) => {
  const schema = z.object({ name: text(10), tags: z.array(text(5)) });
  const body = t.throws(() => parseInput(schema, { name: 'a\u0000', tags: ['ok', 'b\u0000'] })) as unknown as BadRequest;
  t.same(body.details, {
    fields: [
      { field: 'name', message: STORABLE_TEXT_MESSAGE },
      { field: 'tags.1', message: STORABLE_TEXT_MESSAGE },
    ],
  });
  const query = t.throws(() => parseInput(z.object({ search: storableText() }), { search: 'a\u0000' }, 'query')) as unknown as BadRequest;
  t.same(query.details, { fields: [{ field: 'query.search', message: STORABLE_TEXT_MESSAGE }] });
  const whole = t.throws(() => parseInput(z.string(), { a: 1 }, 'params')) as unknown as BadRequest;
  t.same((whole.details as { fields: { field: string }[] }).fields.map((f) => f.field), ['params']);
});
