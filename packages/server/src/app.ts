import { createTimeFormatter } from '@ddm-jobs/contract';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { type Clock, systemClock } from './clock.js';
import { answerClientError, answerFrameworkError, installErrorHandling } from './http/error-handler.js';
import { installObservability } from './http/observability.js';
import { installRawJsonBody } from './http/raw-json-body.js';
import { createRequestIdGenerator } from './http/request-id.js';
import type { CredentialVault } from './identity/aksk/credential-vault.js';
import { createSignedRequestVerifier } from './identity/aksk/signed-request-verifier.js';
import { createAuthenticator, localTokenChecker, type TokenChecker } from './identity/authenticate.js';
import { createKeystone } from './identity/keystone.js';
import { createTokenCodec, newTokenKey, TOKEN_KEY_NAME } from './identity/tokens.js';
import { createProducer } from './jobs/producer.js';
import { internalJobsRoutes } from './routes/internal-jobs.js';
import { keystoneRoutes } from './routes/keystone.js';
import { serviceInfoRoutes } from './routes/service-info.js';
import { tenantJobsRoutes } from './routes/tenant-jobs.js';
import type { Store } from './store/types.js';
import { DEFAULT_RATE_LIMITS, installThrottling, type RateLimits } from './throttling/throttling.js';
import { VERSION } from './version.js';

export interface AppOptions {
  store: Store;
  clock?: Clock;
  /** A pino logger; none logs nothing (tests). */
  logger?: Logger;
  /** IANA zone for the times in task bodies; UTC by default. */
  timeZone?: string;
  /** The URL clients use to reach this server, for the identity catalog; else from each request. */
  publicUrl?: string;
  region?: string;
  /**
   * Who vouches for `X-Auth-Token`: the local identities by default, or an external IAM. With
   * another checker this server issues no tokens: the Keystone routes are not served (404
   * APIGW.0101), since a token signed here would be refused here.
   */
  tokenChecker?: TokenChecker;
  /** Opens the sealed secret keys of AK/SK callers; without it every signed request is refused. */
  credentialVault?: CredentialVault;
  /** Requests a second per credential and per address (0: no limit); 100 and 1000 by default. */
  rateLimits?: RateLimits;
}

/** Largest request body accepted; the task API's bodies are a few hundred bytes. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** Builds the whole HTTP application on a store; it does not listen (tests inject requests). */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const codec = createTokenCodec(await store.sharedSecret(TOKEN_KEY_NAME, newTokenKey()));

  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    // One line per request is written by the observability hook instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'req_id' }),
    genReqId: createRequestIdGenerator(),
    bodyLimit: BODY_LIMIT_BYTES,
    return503OnClosing: true,
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  }) as unknown as FastifyInstance;
  // JSON only: a body of any other type is 415 rather than a string handed to a JSON route.
  app.removeContentTypeParser('text/plain');

  installErrorHandling(app);
  const metrics = installObservability(app, store);
  const admit = installThrottling(app, options.rateLimits ?? DEFAULT_RATE_LIMITS, clock);
  installRawJsonBody(app);
  const auth = createAuthenticator(options.tokenChecker ?? localTokenChecker(codec, store, clock), {
    verifySigned: createSignedRequestVerifier({ store, vault: options.credentialVault, clock }),
    identity: store,
    admit,
  });

  const timeZone = options.timeZone ?? 'UTC';
  const formatTime = createTimeFormatter(timeZone);
  app.register(async (scope) =>
    tenantJobsRoutes(scope, { jobs: store, auth, clock, formatTime, utc: timeZone === 'UTC' }),
  );
  app.register(async (scope) => internalJobsRoutes(scope, { producer: createProducer(store, clock), auth }));
  if (!options.tokenChecker) {
    app.register(async (scope) =>
      keystoneRoutes(scope, {
        keystone: createKeystone(store, codec, clock),
        publicUrl: options.publicUrl,
        region: options.region ?? 'local',
      }),
    );
  }
  app.register(async (scope) => serviceInfoRoutes(scope, { store, metrics, version: VERSION }));
  await app.ready();
  return app;
}
