import { ErrorBodySchema, GatewayErrorBodySchema } from './schemas/jobs.js';
import { type TSchema, Type } from './typebox.js';

const json = (schema: TSchema, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const EMULATOR_ONLY = 'Emulator only (--emulator; without it 404 APIGW.0101, as an unknown route). ';

/** The snapshot document's outline; the server checks every table and column (docs/testing.md, "Snapshots"). */
const SnapshotDocumentSchema = Type.Object({
  format: Type.Literal('ddm-jobs-snapshot'),
  version: Type.Integer({ description: 'the format version: 1' }),
  saved_at: Type.String({ description: 'ISO 8601, on the saved server clock' }),
  clock: Type.Object({ now: Type.Integer(), virtual: Type.Boolean() }),
  counters: Type.Object({ feed: Type.Integer(), run_logs: Type.Integer() }),
  sealed_secrets: Type.Record(Type.String(), Type.String(), {
    description: 'the token and stream-id keys, sealed with the credential key (base64)',
  }),
  tables: Type.Record(
    Type.String(),
    Type.Object({
      columns: Type.Array(Type.String()),
      rows: Type.Array(Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]))),
    }),
  ),
});

const RestoredSchema = Type.Object({
  restored: Type.Object({
    rows: Type.Record(Type.String(), Type.Integer(), { description: 'rows restored, per table' }),
    clock: Type.Integer({ description: "the server's clock after the restore (epoch ms)" }),
  }),
});

const responses = {
  '401': json(
    GatewayErrorBodySchema,
    'APIGW.0301: no or bad credentials; APIGW.0307: expired or revoked token',
  ),
  '403': json(GatewayErrorBodySchema, 'APIGW.0302: without the role service'),
  '404': json(GatewayErrorBodySchema, 'APIGW.0101: the server is not an emulator (start it with --emulator)'),
};

/** The emulator's snapshots (docs/api.md, "Snapshots"). */
export function snapshotPaths(): Record<string, object> {
  return {
    '/internal/v1/snapshot': {
      get: {
        operationId: 'SaveSnapshot',
        summary: "The emulator's whole state as a snapshot document, secrets sealed (role service)",
        description: EMULATOR_ONLY,
        'x-ddm-jobs-extension': true,
        responses: {
          '200': json(SnapshotDocumentSchema, 'The document (Cache-Control: no-store)'),
          ...responses,
        },
      },
      post: {
        operationId: 'RestoreSnapshot',
        summary: 'Replace the whole state with a snapshot document (role service)',
        description: `${EMULATOR_ONLY}The server keeps its own token and stream-id keys; a virtual clock is set to the snapshot's time.`,
        'x-ddm-jobs-extension': true,
        requestBody: { required: true, content: { 'application/json': { schema: SnapshotDocumentSchema } } },
        responses: {
          '200': json(RestoredSchema, 'Restored'),
          '400': json(
            ErrorBodySchema,
            'DBS.280001: not a snapshot, a format version this release does not read, a malformed table, ' +
              'sealed with another credential key, or feed cursors past this PostgreSQL cluster; nothing changed',
          ),
          ...responses,
        },
      },
    },
  };
}
