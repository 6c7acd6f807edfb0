import { useState } from 'preact/hooks';
import { describeError } from '../api/describe-error.js';
import { lastSignIn, rememberSignIn } from '../session/last-sign-in.js';
import type { Session } from '../session/session.js';
import { signIn, signInFailure } from '../session/sign-in.js';
import { LogoIcon } from './icons.js';
import { TextField } from './text-field.js';

/**
 * This server's domain for users declared without one. On the cloud the domain is the account
 * name, which users type in.
 */
const DEFAULT_DOMAIN = 'default';

interface SignInFormProps {
  /** Why the user is here again (the session expired, or they signed out). */
  message: string;
  onSignedIn: (session: Session) => void;
}

/** IAM user name, password, domain and project to a token: nothing of it goes into a URL. */
export function SignInForm({ message, onSignedIn }: SignInFormProps) {
  // The last sign-in's names, filled in: only the password is left to type.
  const [last] = useState(lastSignIn);
  const [user, setUser] = useState(last?.user ?? '');
  const [password, setPassword] = useState('');
  const [domain, setDomain] = useState(last?.domain ?? DEFAULT_DOMAIN);
  const [project, setProject] = useState(last?.project ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!user.trim() || !password || !domain.trim() || !project.trim())
      return setError('Enter the user name, password, domain and project.');
    setBusy(true);
    setError('');
    try {
      const names = { user: user.trim(), domain: domain.trim(), project: project.trim() };
      const session = await signIn({ ...names, password });
      rememberSignIn(names);
      onSignedIn(session);
    } catch (caught) {
      setError(signInFailure(caught) ?? describeError(caught));
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <form
        class="card sign-in__card"
        method="post"
        onSubmit={submit}
        noValidate
        aria-labelledby="sign-in-title"
      >
        <span class="brand">
          <LogoIcon />
          <span>ddm-jobs</span>
        </span>
        <h1 id="sign-in-title">Sign in to the Task Center</h1>
        {message && (
          <p class="notice notice--warning" role="alert">
            {message}
          </p>
        )}
        <TextField
          label="IAM user name"
          name="username"
          autocomplete="username"
          autofocus={!last}
          value={user}
          onValue={setUser}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autocomplete="current-password"
          autofocus={!!last}
          value={password}
          onValue={setPassword}
        />
        <TextField
          label="Domain"
          name="domain"
          value={domain}
          onValue={setDomain}
          hint="The IAM domain (account) the user belongs to."
        />
        <TextField
          label="Project"
          name="project"
          value={project}
          onValue={setProject}
          hint="The project whose tasks to show, in the same domain."
        />
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="button button--primary button--block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
