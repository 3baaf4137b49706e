import { PagePlaceholder } from '../../layout/PagePlaceholder';

/** Placeholder until the channels area lands; the area's engineer replaces this file. */
export default function ChannelsPage() {
  return <PagePlaceholder area="channels" />;
}
