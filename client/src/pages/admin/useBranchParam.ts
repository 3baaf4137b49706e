import { useSearchParams } from 'react-router';
import { useBranchOptions } from './selects';

/** The branch an admin page works on: `?branchId=` in the URL (shareable), else the first visible branch. */
export function useBranchParam(): [string | undefined, (id: string) => void] {
  const [params, setParams] = useSearchParams();
  const branches = useBranchOptions();
  const fromUrl = params.get('branchId') ?? undefined;
  const branchId = fromUrl ?? branches.data?.items[0]?.id;
  const setBranchId = (id: string) =>
    setParams(
      (p) => {
        p.set('branchId', id);
        return p;
      },
      { replace: true },
    );
  return [branchId, setBranchId];
}
