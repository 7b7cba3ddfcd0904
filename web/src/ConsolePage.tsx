import { CatalogAdmin } from './CatalogAdmin';
import { SagaRuns } from './SagaRuns';
import { Summary } from './Summary';

/** The operator console: what is happening now, the catalog, and the checkout runs. */
export function ConsolePage() {
  return (
    <div className="console">
      <Summary />
      <SagaRuns />
      <CatalogAdmin />
    </div>
  );
}
