"use server";

import { publicAction, tenantAction, userAction } from "@/lib/auth/action";
import { requestInfo } from "@/lib/auth/request-info";
import { acceptInvitation, createInvitation, revokeInvitation } from "./invitations";
import { changeMemberRole, removeMember } from "./members";
import { createTenantForUser, registerUser } from "./onboarding";
import {
  acceptInvitationSchema,
  changeRoleSchema,
  createTenantSchema,
  invitationIdSchema,
  inviteMemberSchema,
  membershipIdSchema,
  signUpSchema,
} from "./schemas";

// Thin wrappers: validation, authorisation and auditing live in the wrapper and the DAL.

export const signUpAction = publicAction(signUpSchema, async (input) => {
  const { tenantSlug } = await registerUser(input, await requestInfo());
  return { data: { tenantSlug } };
});

export const createTenantAction = userAction(createTenantSchema, async (user, input) => {
  const { slug } = await createTenantForUser(user, input.organization, await requestInfo());
  return { redirectTo: `/t/${slug}/keys` };
});

export const acceptInvitationAction = userAction(acceptInvitationSchema, async (user, input) => {
  const { slug } = await acceptInvitation(user, input.token, await requestInfo());
  return { redirectTo: `/t/${slug}/keys` };
});

export const inviteMemberAction = tenantAction(
  { permission: "members:manage", schema: inviteMemberSchema },
  async (ctx, input) => {
    const { token, expiresAt } = await createInvitation(ctx, input);
    return {
      message: "Invitation created. Copy the link and send it.",
      data: { path: `/invite/${token}`, expiresAt: expiresAt.toISOString() },
      revalidate: ["/members"],
    };
  },
);

export const changeRoleAction = tenantAction(
  { permission: "members:manage", schema: changeRoleSchema },
  async (ctx, input) => {
    await changeMemberRole(ctx, input.membershipId, input.role);
    return { message: "Role changed.", revalidate: ["/members"] };
  },
);

export const removeMemberAction = tenantAction(
  { permission: "members:manage", schema: membershipIdSchema },
  async (ctx, input) => {
    await removeMember(ctx, input.membershipId);
    return { message: "Member removed.", revalidate: ["/members"] };
  },
);

export const revokeInvitationAction = tenantAction(
  { permission: "members:manage", schema: invitationIdSchema },
  async (ctx, input) => {
    await revokeInvitation(ctx, input.invitationId);
    return { message: "Invitation withdrawn.", revalidate: ["/members"] };
  },
);
