import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { candidates } from '../../packages/cli/src/tenant/config/clouds-file.js';
import { resolveConnection } from '../../packages/cli/src/tenant/config/resolve.js';
import { clientOptions } from '../../packages/cli/src/tenant/connection.js';
import { colorEnabled, paintStatus } from '../../packages/cli/src/tenant/output/colors.js';
import { relativeTime } from '../../packages/cli/src/tenant/output/relative-time.js';
import { renderTable } from '../../packages/cli/src/tenant/output/table.js';
import { parseIsoInstant, parseSince } from '../../packages/cli/src/tenant/time-input.js';
import { tempDirs } from './cli-process.js';

// The tenant commands' pure parts, in-process: what the subprocess tests would need dozens of
// runs to pin (every unit of a relative time, every file openstacksdk searches).

const dirs = tempDirs();
afterEach(() => dirs.removeAll());

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 4, 20, 12, 0, 0);

describe('relativeTime', () => {
  it.each([
    [0, 'now'],
    [-400, 'now'],
    [-42 * SECOND, '42 seconds ago'],
    [-59 * SECOND - 600, '1 minute ago'],
    [-59 * MINUTE - 29 * SECOND, '59 minutes ago'],
    [-59 * MINUTE - 31 * SECOND, '1 hour ago'],
    [-(2 * DAY + 23 * HOUR), '3 days ago'],
    [-3 * MINUTE, '3 minutes ago'],
    [-HOUR, '1 hour ago'],
    [-30 * HOUR, '1 day ago'],
    [-23 * HOUR - 31 * MINUTE, '1 day ago'],
    [-29 * DAY, '29 days ago'],
    [2 * HOUR + 5 * MINUTE, 'in 2 hours'],
    [10 * SECOND, 'in 10 seconds'],
  ])('says %d ms from now as "%s"', (diff, text) => {
    expect(relativeTime(NOW + diff, NOW)).toBe(text);
  });
});

describe('colorEnabled and paintStatus', () => {
  const tty = { isTTY: true } as NodeJS.WriteStream;
  const pipe = { isTTY: false } as NodeJS.WriteStream;

  it('colours a terminal only, and never with NO_COLOR set non-empty or TERM=dumb', () => {
    expect(colorEnabled(tty, {})).toBe(true);
    expect(colorEnabled(pipe, {})).toBe(false);
    expect(colorEnabled(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled(tty, { NO_COLOR: '' })).toBe(true);
    expect(colorEnabled(tty, { TERM: 'dumb' })).toBe(false);
  });

  it('lets FORCE_COLOR force colour on (even piped, even with NO_COLOR) or off with 0', () => {
    expect(colorEnabled(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorEnabled(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
    expect(colorEnabled(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(colorEnabled(tty, { FORCE_COLOR: 'false' })).toBe(false);
  });

  it('paints one colour per family: green ended well, red Failed, yellow executing, grey waiting', () => {
    const colour = (status: string) => /^.\[(\d+)m/.exec(paintStatus(status, true))?.[1];
    expect(['Completed', 'CancelSuccess', 'RollbackSuccess'].map(colour)).toEqual(['32', '32', '32']);
    expect(colour('Failed')).toBe('31');
    expect(['Running', 'Expanding', 'Switching', 'Canceling', 'Rollbacking'].map(colour)).toEqual(
      Array(5).fill('33'),
    );
    expect(['ToBeSwitched', 'SomethingNew'].map(colour)).toEqual(['90', '90']);
    expect(paintStatus('Failed', true)).toBe('\u001b[31mFailed\u001b[39m');
    expect(paintStatus('Failed', false)).toBe('Failed');
  });
});

describe('renderTable', () => {
  it('aligns painted cells by their visible width', () => {
    const lines = renderTable(
      [{ header: 'STATUS', paint: (cell) => `<${cell}>`.replace(/^<|>$/g, '\u001b[1m') }, { header: 'X' }],
      [
        ['Completed', 'a'],
        ['Failed', 'b'],
      ],
    );
    const plain = lines.map((line) => line.replaceAll('\u001b[1m', ''));
    expect(plain).toEqual(['STATUS     X', 'Completed  a', 'Failed     b']);
  });
});

describe('parseSince and parseIsoInstant', () => {
  it('takes s, m, h and d up to 30 days and refuses the rest', () => {
    expect([parseSince('90s'), parseSince('6h'), parseSince('30d')]).toEqual([
      90 * SECOND,
      6 * HOUR,
      30 * DAY,
    ]);
    for (const bad of ['31d', '0h', '6', 'h', '1.5h', '6 h', '-1h', '1w', '721h'])
      expect(() => parseSince(bad), bad).toThrow(/from 1s to 30d/);
  });

  it('takes ISO 8601 with Z or an offset, and refuses no zone, epoch numbers and impossible days', () => {
    expect(parseIsoInstant('2026-05-20T12:00:00Z')).toBe(NOW);
    expect(parseIsoInstant('2026-05-20T14:00:00+02:00')).toBe(NOW);
    expect(parseIsoInstant('2026-05-20T07:00-0500')).toBe(NOW);
    expect(parseIsoInstant('2026-05-20T12:00:00.000z')).toBe(NOW);
    for (const bad of ['2026-05-20T12:00:00', '2026-05-20', String(NOW), '2026-02-30T00:00:00Z', 'yesterday'])
      expect(() => parseIsoInstant(bad), bad).toThrow(/ISO 8601 date and time with a zone/);
  });
});

describe('resolveConnection', () => {
  const at = () => {
    const root = dirs.make();
    const home = join(root, 'home');
    const cwd = join(root, 'work');
    mkdirSync(cwd, { recursive: true });
    return { root, home, cwd };
  };
  const write = (path: string, text: string) => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  };

  it('searches clouds.yaml where openstacksdk does, OS_CLIENT_CONFIG_FILE first', () => {
    const { home, cwd } = at();
    const env = { OS_CLIENT_CONFIG_FILE: '/x/my-clouds.yaml', XDG_CONFIG_HOME: '/xdg' };
    expect(candidates('clouds', { env, cwd, home })).toEqual([
      '/x/my-clouds.yaml',
      ...['.yaml', '.yml', '.json'].map((s) => join(cwd, `clouds${s}`)),
      ...['.yaml', '.yml', '.json'].map((s) => `/xdg/openstack/clouds${s}`),
      ...['.yaml', '.yml', '.json'].map((s) => join(home, `.config/openstack/clouds${s}`)),
      ...['.yaml', '.yml', '.json'].map((s) => `/etc/openstack/clouds${s}`),
    ]);
    expect(candidates('secure', { env: { OS_CLIENT_SECURE_FILE: '/s.yaml' }, cwd, home })[0]).toBe('/s.yaml');
  });

  it('takes the first clouds file found (only), merges the first secure.yaml in, and reads OTC’s ak and sk', () => {
    const { home, cwd } = at();
    write(
      join(cwd, 'clouds.yaml'),
      'clouds:\n  otc:\n    auth: { auth_url: "https://iam.example/v3", project_id: 12345 }\n    region_name: eu-de\n',
    );
    write(join(home, '.config/openstack/clouds.yaml'), 'clouds:\n  otc:\n    auth: { token: from-home }\n');
    write(join(home, '.config/openstack/secure.yaml'), 'clouds:\n  otc:\n    ak: AK1\n    sk: SK1\n');
    const plan = resolveConnection(
      { osCloud: 'otc', endpoint: 'https://ddm.example/' },
      { env: {}, cwd, home },
    );
    expect(plan).toEqual({
      kind: 'aksk',
      accessKey: 'AK1',
      secretKey: 'SK1',
      endpoint: 'https://ddm.example',
      projectId: '12345',
      regionName: 'eu-de',
    });
  });

  it('chooses a token over an access key over a password, whatever layer each comes from', () => {
    const { home, cwd } = at();
    const password = { OS_AUTH_URL: 'https://iam.example/v3', OS_USERNAME: 'u', OS_PASSWORD: 'p' };
    const surroundings = (env: Record<string, string>) => ({
      env: { OS_PROJECT_ID: 'p1', DDM_ENDPOINT: 'https://ddm.example', ...password, ...env },
      cwd,
      home,
    });
    expect(resolveConnection({}, surroundings({})).kind).toBe('password');
    expect(resolveConnection({ osAccessKey: 'a', osSecretKey: 's' }, surroundings({})).kind).toBe('aksk');
    expect(
      resolveConnection({ osAccessKey: 'a', osSecretKey: 's' }, surroundings({ OS_TOKEN: 't' })),
    ).toMatchObject({ kind: 'token', token: 't' });
  });

  it('gives the SDK password credentials with domains by name or id, and the timeout in ms', () => {
    const { home, cwd } = at();
    const env = {
      OS_AUTH_URL: 'https://iam.example/v3/',
      OS_USERNAME: 'u',
      OS_PASSWORD: 'p',
      OS_USER_DOMAIN_ID: 'd1',
      OS_PROJECT_NAME: 'eu-de',
      OS_PROJECT_DOMAIN_NAME: 'OTC-1',
      OS_REGION_NAME: 'eu-de',
    };
    expect(clientOptions(resolveConnection({ timeout: 2.5 }, { env, cwd, home }))).toEqual({
      regionName: 'eu-de',
      timeoutMs: 2500,
      auth: {
        password: {
          authUrl: 'https://iam.example/v3',
          username: 'u',
          password: 'p',
          userDomainId: 'd1',
          projectName: 'eu-de',
          projectDomainName: 'OTC-1',
        },
      },
    });
    const byId = { ...env, OS_PROJECT_ID: 'p1', OS_USER_DOMAIN_NAME: 'OTC-1', OS_PROJECT_DOMAIN_ID: 'd2' };
    expect(clientOptions(resolveConnection({}, { env: byId, cwd, home }))).toMatchObject({
      projectId: 'p1',
      auth: {
        password: { projectId: 'p1', userDomainName: 'OTC-1', userDomainId: 'd1', projectDomainId: 'd2' },
      },
    });
  });

  it('names what is missing, as a usage error', () => {
    const { home, cwd } = at();
    const resolve = (env: Record<string, string>) => () => resolveConnection({}, { env, cwd, home });
    expect(resolve({})).toThrow(/^no credentials: set one of\n {2}OS_AUTH_TOKEN/);
    expect(resolve({ OS_AUTH_TOKEN: 't' })).toThrow(
      'a token needs --os-project-id or OS_PROJECT_ID, and --endpoint or DDM_ENDPOINT.',
    );
    expect(resolve({ OS_ACCESS_KEY: 'a', OS_PROJECT_ID: 'p', DDM_ENDPOINT: 'http://x' })).toThrow(
      'an access key needs --os-secret-key or OS_SECRET_KEY.',
    );
    expect(resolve({ OS_USERNAME: 'u', OS_PASSWORD: 'p', OS_AUTH_URL: 'http://iam' })).toThrow(
      'password sign-in needs a project: --os-project-id or OS_PROJECT_ID, or --os-project-name or OS_PROJECT_NAME.',
    );
    expect(resolve({ OS_AUTH_TOKEN: 't', OS_PROJECT_ID: 'p', DDM_ENDPOINT: 'ddm.example' })).toThrow(
      'DDM_ENDPOINT must be an http or https URL, not "ddm.example".',
    );
    expect(resolve({ OS_CLOUD: 'nowhere' })).toThrow(
      /^cloud "nowhere" was asked for .* no clouds.yaml was found/,
    );
    const error = (() => {
      try {
        resolve({})();
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toHaveProperty('usage', true);
  });
});
