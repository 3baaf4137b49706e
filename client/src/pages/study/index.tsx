import { PagePlaceholder } from '../../layout/PagePlaceholder';

/** Placeholder until the study area lands; the area's engineer replaces this file. */
export default function StudyPage() {
  return <PagePlaceholder area="study" />;
}
