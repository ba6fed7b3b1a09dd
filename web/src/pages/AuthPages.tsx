import { useState, type FormEvent } from 'react';
import { messageOf } from '../api/client';
import { Alert } from '../Alert';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../session';

/** Only a path of this app: never an open redirect. */
function nextPath(search: string) {
  const next = new URLSearchParams(search).get('next') ?? '/';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

function useSubmit(action: (form: FormData) => Promise<void>) {
  const { search } = useLocation();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await action(new FormData(e.currentTarget));
      navigate(nextPath(search), { replace: true });
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };
  return { submit, error, busy, search };
}

export function LoginPage() {
  const { login } = useSession();
  const { submit, error, busy, search } = useSubmit((f) => login(String(f.get('email')), String(f.get('password'))));
  return (
    <section className="narrow">
      <h1>Log in</h1>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <label>
          Email
          <input type="email" name="email" autoComplete="username" required />
        </label>
        <label>
          Password
          <input type="password" name="password" autoComplete="current-password" required />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          Log in
        </button>
        <Alert message={error} />
      </form>
      <p>
        New here? <Link to={`/register${search}`}>Register</Link>
      </p>
    </section>
  );
}

export function RegisterPage() {
  const { register } = useSession();
  const { submit, error, busy, search } = useSubmit((f) =>
    register(String(f.get('name')), String(f.get('email')), String(f.get('password'))),
  );
  return (
    <section className="narrow">
      <h1>Register</h1>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <label>
          Name
          <input name="name" autoComplete="name" required maxLength={100} />
        </label>
        <label>
          Email
          <input type="email" name="email" autoComplete="username" required />
        </label>
        <label>
          Password
          <input type="password" name="password" autoComplete="new-password" required minLength={8} maxLength={72} />
        </label>
        <p className="hint">At least 8 characters.</p>
        <button type="submit" className="primary" disabled={busy}>
          Create account
        </button>
        <Alert message={error} />
      </form>
      <p>
        Already registered? <Link to={`/login${search}`}>Log in</Link>
      </p>
    </section>
  );
}
