import { type Static, Type } from '../typebox.js';

/**
 * `GET /policy`: the server's role model as far as a client needs it to show only what its user
 * may do. Reading a project's tasks needs any role on it; changing them needs one of these.
 */
export const PolicyResponseSchema = Type.Object(
  {
    action_roles: Type.Array(Type.String(), {
      description: 'Roles that may act on tasks (cancel, retry, roll back, clean, switch, change the window)',
    }),
  },
  { additionalProperties: false },
);
export type PolicyResponse = Static<typeof PolicyResponseSchema>;
