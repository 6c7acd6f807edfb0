import { useCallback, useEffect, useState } from 'preact/hooks';
import { clearSession, loadSession, msUntilExpiry, type Session, saveSession } from '../session/session.js';
import { SignInForm } from './sign-in-form.js';
import { TaskCenter } from './task-center.js';

export const EXPIRED_MESSAGE = 'Your session has expired. Please sign in again.';
const SIGNED_OUT_MESSAGE = 'You have signed out.';
/** setTimeout's longest delay (about 24.8 days); a longer wait is cut to it and checked again. */
const MAX_TIMER_MS = 2_147_483_647;

/** The stored session if it is still valid, and the message to show when it is not. */
function restore(): { session?: Session; message: string } {
  const stored = loadSession();
  if (!stored) return { message: '' };
  if (msUntilExpiry(stored) > 0) return { session: stored, message: '' };
  clearSession();
  return { message: EXPIRED_MESSAGE };
}

/** Sign-in until there is a session, then the Task Center until it ends. */
export function App() {
  const [start] = useState(restore);
  const [session, setSession] = useState<Session | undefined>(start.session);
  const [message, setMessage] = useState(start.message);

  const end = useCallback((why: string) => {
    clearSession();
    setSession(undefined);
    setMessage(why);
  }, []);
  const expire = useCallback(() => end(EXPIRED_MESSAGE), [end]);
  const signOut = useCallback(() => end(SIGNED_OUT_MESSAGE), [end]);

  // The token's end on the server's clock; a 401 from any call ends the session earlier.
  useEffect(() => {
    if (!session) return;
    const check = () => {
      const left = msUntilExpiry(session);
      if (left <= 0) return expire();
      timer = setTimeout(check, Math.min(left, MAX_TIMER_MS));
    };
    let timer = setTimeout(check, Math.min(msUntilExpiry(session), MAX_TIMER_MS));
    return () => clearTimeout(timer);
  }, [session, expire]);

  if (!session)
    return (
      <SignInForm
        message={message}
        onSignedIn={(next) => {
          saveSession(next);
          setMessage('');
          setSession(next);
        }}
      />
    );
  return <TaskCenter session={session} onSignOut={signOut} onExpired={expire} />;
}
