import type { Context } from 'hono';
import type { z } from 'zod';
import { AppError } from './app-error.ts';

/**
 * Reads a JSON body and checks it against a shared schema. The first broken rule becomes a 400
 * naming the field, with the schema's own message (the same the app shows before sending).
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  let body: unknown;
  try {
    const text = await c.req.text();
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new AppError(400, 'invalid_json', 'The request body is not valid JSON');
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || undefined;
  const message =
    issue?.code === 'unrecognized_keys'
      ? `Unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`
      : (issue?.message ?? 'Invalid request');
  throw new AppError(
    400,
    'validation_failed',
    message,
    issue?.code === 'unrecognized_keys' ? issue.keys[0] : field,
  );
}
