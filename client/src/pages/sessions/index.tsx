import { PagePlaceholder } from '../../layout/PagePlaceholder';

/** Placeholder until the sessions area lands; the area's engineer replaces this file. */
export default function SessionsPage() {
  return <PagePlaceholder area="sessions" />;
}
