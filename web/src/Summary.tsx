import { useEffect, useState } from 'react';
import type { OperatorSummary } from '@ecomm/contracts';
import { api } from './api';

const refreshMs = 5_000;

export function Summary() {
  const [summary, setSummary] = useState<OperatorSummary>();
  useEffect(() => {
    const load = () => void api<OperatorSummary>('/admin/summary').then(setSummary, () => undefined);
    load();
    const timer = setInterval(load, refreshMs);
    return () => clearInterval(timer);
  }, []);
  if (!summary)
    return (
      <section className="card" aria-busy="true">
        <h2>Live summary</h2>
      </section>
    );
  const tiles = [
    ['Checkouts / min', summary.checkouts_per_minute.toFixed(1)],
    ['Compensations / min', summary.compensations_per_minute.toFixed(1)],
    ['Active carts', String(summary.active_carts)],
    [
      'Need attention',
      String((summary.runs_by_status.needs_attention ?? 0) + (summary.runs_by_status.compensation_failed ?? 0)),
    ],
  ];
  return (
    <section className="card" aria-labelledby="summary-title">
      <h2 id="summary-title">
        Live summary <small className="muted">(last {summary.window_minutes} minutes, refreshed every 5 s)</small>
      </h2>
      <dl className="tiles">
        {tiles.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
