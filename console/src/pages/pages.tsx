import { isHistoryWindow } from '../history';
import { DevicePage } from './device-page';
import { Devices } from './devices';
import { LiveEvents } from './live-events';
import { InboundWebhooks } from './inbound';
import { Tokens } from './tokens';
import { Users } from './users';
import { Deliveries } from './deliveries';
import { WebhookForm } from './webhook-form';
import { Webhooks } from './webhooks';

/** #/section/id/sub → the page that shows it. */
export function Page({ route }: { route: string[] }) {
  const [section, id, sub] = route;
  switch (section) {
    case 'devices':
      return id ? <DevicePage id={id} win={isHistoryWindow(sub) ? sub : 'day'} /> : <Devices />;
    case 'webhooks':
      if (id && sub === 'deliveries') return <Deliveries id={Number(id)} />;
      if (id) return <WebhookForm key={id} id={id === 'new' ? null : Number(id)} />;
      return <Webhooks />;
    case 'inbound':
      return <InboundWebhooks />;
    case 'users':
      return <Users />;
    case 'tokens':
      return <Tokens />;
    case 'events':
      return <LiveEvents />;
    default:
      return <p>Nothing here. Pick a section above.</p>;
  }
}
