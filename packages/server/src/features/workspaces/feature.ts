import type { AppContext } from '../../context.js';
import type { PrincipalLoader } from '../identity/principals.js';
import type { SessionService } from '../sessions/service.js';
import { ActivationService } from './activation.js';
import { type WorkspaceGuards, workspaceGuards } from './guard.js';
import { InvitationService } from './invitations.js';
import { InviteService } from './invites.js';
import { MemberService } from './members.js';
import { WorkspaceService } from './service.js';

/** Everything the workspaces feature offers other features: its services and its route guards. */
export interface WorkspaceFeature {
  workspaces: WorkspaceService;
  members: MemberService;
  invites: InviteService;
  /** Invitations addressed to an e-mail: adding by e-mail, and the invitee's accept / decline. */
  invitations: InvitationService;
  activation: ActivationService;
  guards: WorkspaceGuards;
}

export function createWorkspaceFeature(
  ctx: AppContext,
  deps: { principals: PrincipalLoader; sessions: SessionService },
): WorkspaceFeature {
  const workspaces = new WorkspaceService(ctx, deps.principals);
  const members = new MemberService(ctx);
  return {
    workspaces,
    members,
    invites: new InviteService(ctx, members),
    invitations: new InvitationService(ctx, members),
    activation: new ActivationService(ctx, deps.sessions),
    guards: workspaceGuards(workspaces),
  };
}
