import { lazy, Suspense, useState } from 'react';
import { messageOf } from './api/client';
import { Alert } from './Alert';
import { EventPage } from './pages/EventPage';
import { EventsPage } from './pages/EventsPage';
import { LoginPage, RegisterPage } from './pages/AuthPages';
import { OrderPage, OrdersPage } from './pages/OrderPages';
import { TicketsPage } from './pages/TicketsPage';
import { Link, navigate, useLocation } from './router';
import { useSession } from './session';

const AdminPage = lazy(() => import('./admin/AdminPage'));
const UUID = '[0-9a-fA-F-]{36}';

function Page({ path }: { path: string }) {
  const { user } = useSession();
  let match: RegExpExecArray | null;
  if (path === '/') return <EventsPage />;
  if ((match = new RegExp(`^/events/(${UUID})$`).exec(path))) return <EventPage key={match[1]} eventId={match[1]!} />;
  if (path === '/login') return <LoginPage />;
  if (path === '/register') return <RegisterPage />;
  const needsUser = path === '/orders' || path === '/tickets' || path === '/admin' || path.startsWith('/orders/');
  if (needsUser && user === undefined) return <p role="status">Loading…</p>;
  if (needsUser && !user) {
    return (
      <p>
        Please <Link to={`/login?next=${encodeURIComponent(path)}`}>log in</Link> to see this page.
      </p>
    );
  }
  if (path === '/orders') return <OrdersPage />;
  if ((match = new RegExp(`^/orders/(${UUID})$`).exec(path))) return <OrderPage orderId={match[1]!} />;
  if (path === '/tickets') return <TicketsPage />;
  if (path === '/admin')
    return (
      <Suspense fallback={<p role="status">Loading…</p>}>
        <AdminPage />
      </Suspense>
    );
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <Link to="/">Find an event</Link>.
      </p>
    </section>
  );
}

function Header() {
  const { user, logout } = useSession();
  const [error, setError] = useState<string>();
  const out = () =>
    logout().then(
      () => navigate('/'),
      (err) => setError(messageOf(err)),
    );
  return (
    <header className="top">
      <nav aria-label="Main">
        <Link to="/" className="brand">
          Tickets
        </Link>
        <Link to="/">Events</Link>
        {user && <Link to="/orders">My orders</Link>}
        {user && <Link to="/tickets">My tickets</Link>}
        {user?.role === 'admin' && <Link to="/admin">Admin</Link>}
      </nav>
      <div className="who">
        {user && <span className="user-name">{user.name}</span>}
        {user && (
          <button type="button" onClick={() => void out()}>
            Log out
          </button>
        )}
        {user === null && <Link to="/login">Log in</Link>}
        {user === null && <Link to="/register">Register</Link>}
      </div>
      <Alert message={error} />
    </header>
  );
}

export function App() {
  const { path } = useLocation();
  return (
    <>
      <Header />
      <main>
        <Page path={path} />
      </main>
    </>
  );
}
