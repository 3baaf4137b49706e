import {
  type AccessFacts,
  type DocumentAccess,
  type DocumentStatus,
  documentAccess,
  type LifecycleAction,
  LifecycleTransitions,
} from '@zhibu/shared';
import {
  type BranchRef,
  canLeadBranch,
  canManageBranch,
  canReadBranch,
  isBranchMember,
  isGroupMember,
  type Scope,
} from '../permissions/index.js';
import type { DocumentDoc } from './repo.js';

const refOf = (doc: DocumentDoc): BranchRef => ({
  branchId: doc.branchId.toHexString(),
  committeeId: doc.committeeId.toHexString(),
});

/** The facts of the shared access rule, from the permissions scope. */
export function factsFor(scope: Scope, doc: DocumentDoc): AccessFacts {
  const ref = refOf(doc);
  return {
    canReadBranch: canReadBranch(scope, ref),
    isBranchMember: isBranchMember(scope, ref.branchId),
    isBranchLeader: canLeadBranch(scope, ref),
    isSecretary: canManageBranch(scope, ref),
    isGroupMember: doc.groupId !== null && isGroupMember(scope, doc.groupId.toHexString()),
  };
}

export function accessFor(scope: Scope, doc: DocumentDoc, status: DocumentStatus): DocumentAccess {
  return documentAccess(doc.kind, status, factsFor(scope, doc));
}

/** Lifecycle actions this user may take on the document in its current status. */
export function allowedActions(scope: Scope, doc: DocumentDoc, status: DocumentStatus): LifecycleAction[] {
  const facts = factsFor(scope, doc);
  const transitions = LifecycleTransitions[doc.kind];
  const out: LifecycleAction[] = [];
  for (const [action, rule] of Object.entries(transitions) as [
    LifecycleAction,
    { from: readonly DocumentStatus[] },
  ][]) {
    if (!rule.from.includes(status)) continue;
    const may =
      action === 'submit'
        ? facts.isBranchMember || facts.isBranchLeader
        : action === 'approve' || action === 'reopen'
          ? facts.isSecretary
          : facts.isGroupMember || facts.isBranchLeader;
    if (may) out.push(action);
  }
  return out;
}

/** Who may create a document of a kind for an owner. */
export function mayCreate(
  scope: Scope,
  doc: Pick<DocumentDoc, 'kind' | 'branchId' | 'committeeId' | 'groupId'>,
): boolean {
  const ref = { branchId: doc.branchId.toHexString(), committeeId: doc.committeeId.toHexString() };
  if (doc.kind === 'minutes') return canLeadBranch(scope, ref) || isBranchMember(scope, ref.branchId);
  return (
    canLeadBranch(scope, ref) || (doc.groupId !== null && isGroupMember(scope, doc.groupId.toHexString()))
  );
}
