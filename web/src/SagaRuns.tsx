import { useCallback, useEffect, useState } from 'react';
import type { SagaRunView } from '@ecomm/contracts';
import { api, ApiError } from './api';

const statuses = ['', 'running', 'compensating', 'completed', 'compensated', 'compensation_failed', 'needs_attention'];
const retryable = new Set(['needs_attention', 'compensation_failed']);

const time = (iso: string | null) => (iso ? new Date(iso).toLocaleTimeString() : '—');
const duration = (from: string | null, to: string | null) =>
  from && to ? `${new Date(to).getTime() - new Date(from).getTime()} ms` : '—';

/** Checkout runs: filter by status, open one to see its steps, retry one an operator must look at. */
export function SagaRuns() {
  const [status, setStatus] = useState('');
  const [runs, setRuns] = useState<SagaRunView[]>([]);
  const [open, setOpen] = useState<SagaRunView>();
  const [notice, setNotice] = useState<string>();

  const load = useCallback(() => {
    void api<{ items: SagaRunView[] }>(`/admin/sagas?limit=20${status ? `&status=${status}` : ''}`).then(
      (page) => setRuns(page.items),
      () => undefined,
    );
  }, [status]);
  useEffect(load, [load]);

  async function inspect(sagaId: string) {
    setOpen(await api<SagaRunView>(`/admin/sagas/${sagaId}`));
  }
  async function retry(sagaId: string) {
    try {
      const after = await api<SagaRunView>(`/admin/sagas/${sagaId}/retry`, { method: 'POST', body: {} });
      setOpen(after);
      setNotice(`Retried: the run is now ${after.status}.`);
      load();
    } catch (error) {
      setNotice(error instanceof ApiError ? error.message : 'The retry failed.');
    }
  }

  return (
    <section className="card" aria-labelledby="runs-title">
      <h2 id="runs-title">Checkout runs</h2>
      <label htmlFor="run-status">Status</label>
      <select id="run-status" value={status} onChange={(event) => setStatus(event.target.value)}>
        {statuses.map((each) => (
          <option key={each} value={each}>
            {each || 'all'}
          </option>
        ))}
      </select>
      {notice && <p role="status">{notice}</p>}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Started</th>
              <th>Status</th>
              <th>Run</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={run.saga_id}>
                <td>{time(run.created_at)}</td>
                <td>
                  <span className={`badge ${run.status}`}>{run.status}</span>
                </td>
                <td>
                  <code>{run.saga_id.slice(0, 8)}</code>
                </td>
                <td className="actions">
                  <button className="secondary" onClick={() => void inspect(run.saga_id)}>
                    Inspect
                  </button>
                  {retryable.has(run.status) && <button onClick={() => void retry(run.saga_id)}>Retry</button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {runs.length === 0 && <p className="muted">No runs{status ? ` with status ${status}` : ''}.</p>}
      </div>
      {open && (
        <section aria-labelledby="run-title" className="inspect">
          <h3 id="run-title">
            Run {open.saga_id} — {open.status}
          </h3>
          <ol className="timeline">
            {open.steps?.map((step) => (
              <li key={step.name}>
                <strong>{step.name}</strong> <span className={`badge ${step.status}`}>{step.status}</span>{' '}
                <span className="muted">
                  {time(step.started_at)}, {duration(step.started_at, step.finished_at)}, {step.attempts} attempt(s)
                </span>
                {step.error && <p className="error">{step.error}</p>}
              </li>
            ))}
          </ol>
        </section>
      )}
    </section>
  );
}
