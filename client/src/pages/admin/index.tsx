import { PagePlaceholder } from '../../layout/PagePlaceholder';

export default function AdminPage() {
  return <PagePlaceholder area="admin" />;
}
