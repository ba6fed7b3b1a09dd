/** A message the buyer must notice: errors are announced at once (role="alert"). */
export function Alert({ message, tone = 'error' }: { message: string | undefined; tone?: 'error' | 'info' }) {
  if (!message) return null;
  return (
    <p className={`alert alert-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {message}
    </p>
  );
}
