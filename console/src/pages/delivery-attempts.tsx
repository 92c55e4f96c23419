import type { Delivery } from '../types';
import { TableWrap, when } from '../ui/widgets';
import { kindOf } from './delivery-stats';

/** Every attempt of a delivery: time, answer, duration, what came next, and the response's headers. */
export function AttemptsTable({ d }: { d: Delivery }) {
  return (
    <TableWrap label={`Attempts of delivery ${d.id}`}>
      <table class="attempts stack">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Time</th>
            <th scope="col">Status</th>
            <th scope="col">Duration</th>
            <th scope="col">Then</th>
            <th scope="col">Response</th>
          </tr>
        </thead>
        <tbody>
          {d.attempts.map((a) => (
            <tr key={a.n} data-attempt={a.n}>
              <td data-label="#">{a.n}</td>
              <td data-label="Time">{when(a.ts)}</td>
              <td data-label="Status" class="code">
                {a.statusCode ?? '—'}
              </td>
              <td data-label="Duration">{a.durationMs} ms</td>
              <td data-label="Then">{kindOf(a) === 'retried' ? `retry at ${when(a.nextRetryAt)}` : kindOf(a)}</td>
              <td data-label="Response">
                <code class="excerpt">{a.error ?? a.response}</code>
                {a.responseHeaders && a.responseHeaders.length > 0 && (
                  <details class="headers-of">
                    <summary>Response headers ({a.responseHeaders.length})</summary>
                    <pre class="response-headers">
                      {a.responseHeaders.map((h) => `${h.name}: ${h.value}`).join('\n')}
                    </pre>
                  </details>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
