import { DdmClient } from '@ddm-jobs/client';
import { ADMIN, type ConsoleServer, START } from './console-fixture.js';

/**
 * The SDK as the admin on project default, on the console server: what the API itself answers
 * (to compare the page with), and actions taken behind the page's back. The server's virtual
 * clock stays at START unless a test moves it.
 */
export function adminClient(server: ConsoleServer, now: () => number = () => START): DdmClient {
  return new DdmClient({
    endpoint: server.url,
    auth: {
      password: {
        authUrl: server.url,
        username: ADMIN.user,
        password: ADMIN.password,
        userDomainName: ADMIN.domain,
        projectName: ADMIN.project,
      },
    },
    now,
  });
}
