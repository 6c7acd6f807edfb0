import { Type } from '../typebox.js';
import { withRule } from '../validate.js';

/**
 * Field rules shared by several bodies and paths (the producer's task, the tenant's action path,
 * the scenario file), so that one field is checked and described the same way everywhere.
 */

const NO_CONTROL_CHARACTERS = '^[^\\u0000-\\u001f]*$';

/** A project or instance id: 1 to 64 of `[A-Za-z0-9_-]` (docs/api.md, "Endpoints"). */
export const Identifier = () =>
  withRule(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }), 'must be 1 to 64 letters, digits, "_" or "-"');

/** Free text of at most `max` characters, possibly empty, without control characters. */
export const Text = (max: number) =>
  withRule(
    Type.String({ maxLength: max, pattern: NO_CONTROL_CHARACTERS }),
    `must be a string of at most ${max} characters without control characters`,
  );

/** A name of 1 to `max` characters without control characters (an instance's, a database's). */
export const Name = (max: number) =>
  withRule(
    Type.String({ minLength: 1, maxLength: max, pattern: NO_CONTROL_CHARACTERS }),
    `must be a string of 1 to ${max} characters without control characters`,
  );
