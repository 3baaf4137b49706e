import type { NotificationsService } from '@zhibu/server';
import type { inviteNotification, JobPayload } from '@zhibu/shared';

type Payload = JobPayload<typeof inviteNotification>;

/**
 * After an invitation: "invitation sent" for the inviter, always; "you are invited" for the invitee when
 * they already have an account. Both ids are deterministic, so running the job twice has one effect.
 */
export async function processInviteNotification(
  notifications: NotificationsService,
  p: Payload,
): Promise<void> {
  const data = { invitationId: p.invitationId, branchId: p.branchId };
  await notifications.notify({
    id: `invite-sent_${p.invitationId}`,
    userId: p.inviterId,
    kind: 'invitation.sent',
    title: '邀请已发送',
    body: `已邀请 ${p.displayName} 加入「${p.branchName}」`,
    link: `/admin/invitations?branchId=${p.branchId}`,
    data,
  });
  if (p.inviteeUserId) {
    await notifications.notify({
      id: `invite-received_${p.invitationId}`,
      userId: p.inviteeUserId,
      kind: 'invitation.received',
      title: '入支部邀请',
      body: `「${p.branchName}」邀请您加入，请在“我的邀请”中确认`,
      // The invitee has an account, so they accept inside the app (the raw token is never stored).
      link: '/invitations',
      data,
    });
  }
}
