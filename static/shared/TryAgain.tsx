import Button from '@atlaskit/button/new';
import { useState } from 'react';

/**
 * Loads a view again after it could not load (Jira busy or failing for a moment), as the map's own Try again
 * does: busy while the new load runs, so a second press sends nothing more.
 */
export function TryAgain({ onRetry }: { onRetry: () => Promise<unknown> }) {
  const [busy, setBusy] = useState(false);
  return (
    <Button
      isLoading={busy}
      onClick={() => {
        if (busy) return;
        setBusy(true);
        void onRetry().finally(() => setBusy(false));
      }}
    >
      Try again
    </Button>
  );
}
