import { PagePlaceholder } from '../../layout/PagePlaceholder';

/** Placeholder until the grid area lands; the area's engineer replaces this file. */
export default function GridPage() {
  return <PagePlaceholder area="grid" />;
}
