import { PagePlaceholder } from '../../layout/PagePlaceholder';

/** Placeholder until the dashboard area lands; the area's engineer replaces this file. */
export default function DashboardPage() {
  return <PagePlaceholder area="dashboard" />;
}
