/** The project page's Shipped versus moved tab: the scan's summary of deliveries beside the outcomes. */
import EmptyState from '@atlaskit/empty-state';
import SectionMessage from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import { useEffect, useState } from 'react';
import { PROJECT_PAGE_RESOLVERS as R } from '../../../src/contract/project-page-keys';
import type { ShippedMovedData } from '../../../src/contract/shipped';
import { callResolver } from '../../shared/bridge';
import { localToday } from '../../shared/date-format';
import { ShippedMovedView } from '../../shared/ShippedMoved';

export function ShippedTab() {
  const [data, setData] = useState<ShippedMovedData | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    // The person's own day: the month it falls in is the view's last.
    void callResolver<ShippedMovedData>(R.shippedMoved, { today: localToday() }).then((a) =>
      a.ok ? setData(a.data) : setError(a.error.message),
    );
  }, []);
  if (error)
    return (
      <SectionMessage appearance="error" title="Shipped versus moved could not load">
        <p>{error}</p>
      </SectionMessage>
    );
  if (!data) return <Spinner label="Loading what was shipped" />;
  if (!data.updatedAt && data.view.outcomes.every((o) => o.values.every((v) => v === null)))
    return (
      <EmptyState
        header="Nothing counted yet"
        description="The daily scan counts delivered items once it has run: come back after the next scan."
        headingLevel={2}
      />
    );
  return <ShippedMovedView data={data} />;
}
