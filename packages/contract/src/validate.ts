import type { TSchema } from 'typebox';
import { inputExcerpt } from './input-excerpt.js';
import type { ParseResult } from './list-query.js';
import { Compile } from './typebox.js';

/**
 * Attaches the human rule of a field to its schema, so that one declaration gives the type,
 * the OpenAPI description and the clause of the 400 message (`progress must be ...`).
 */
export function withRule<T extends TSchema>(schema: T, rule: string): T {
  return Object.assign(schema, {
    'x-rule': rule,
    description: (schema as { description?: string }).description ?? rule,
  });
}

interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

function fieldOf(error: SchemaError): string {
  const path = error.instancePath.split('/').slice(1).join('.');
  if (error.keyword === 'required') {
    const missing = (error.params.requiredProperties as string[] | undefined)?.[0];
    return [path, missing].filter(Boolean).join('.');
  }
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params.additionalProperties as string[] | undefined)?.[0];
    return [path, extra].filter(Boolean).join('.');
  }
  return path;
}

function ruleAt(schema: TSchema, field: string): string | undefined {
  let node: unknown = schema;
  for (const key of field.split('.')) {
    node = (node as { properties?: Record<string, unknown> } | undefined)?.properties?.[key];
  }
  return (node as { 'x-rule'?: string } | undefined)?.['x-rule'];
}

function describe(schema: TSchema, error: SchemaError): string {
  const field = fieldOf(error);
  if (field === '') return 'The body must be a JSON object.';
  // The path may hold the caller's own keys: repeated as a short, escaped excerpt.
  const shown = inputExcerpt(field);
  if (error.keyword === 'required') return `${shown} is required.`;
  if (error.keyword === 'additionalProperties' || error.message === 'schema is false') {
    return `${shown} is not a known field.`;
  }
  return `${shown} ${ruleAt(schema, field) ?? error.message}.`;
}

/**
 * A validator for a JSON body: the value typed on success, or one clause naming the first
 * field at fault.
 */
export function createValidator<T>(schema: TSchema): (value: unknown) => ParseResult<T> {
  // Compiled at the first use, not at import: a process compiles only the validators it uses
  // (a server's start compiles dozens of them otherwise; docs/testing.md, the start time).
  let compiled: ReturnType<typeof Compile<TSchema>> | undefined;
  return (value) => {
    compiled ??= Compile(schema);
    if (compiled.Check(value)) return { ok: true, value: value as T };
    const errors = [...compiled.Errors(value)] as SchemaError[];
    // An unknown field is reported before the rule breaks it causes elsewhere.
    const first = errors.find((e) => e.keyword === 'additionalProperties') ?? errors[0];
    return { ok: false, detail: first ? describe(schema, first) : 'The body is not valid.' };
  };
}
