import type { AcceptInvitationResponse, MyInvitationList } from '@zhibu/shared';
import { api } from '../../api/http';

/** The signed-in invitee's side of invitations (server/src/domains/invitations/mine.ts). */
export const myInvitationsApi = {
  list: () => api<MyInvitationList>('/api/v1/me/invitations'),
  accept: (id: string) =>
    api<AcceptInvitationResponse>(`/api/v1/me/invitations/${id}/accept`, { method: 'POST' }),
};

export const myInvitationKeys = { list: ['me', 'invitations'] as const };
