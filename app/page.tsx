import { redirect } from "next/navigation";
import { getSessionUser, listMyTenants } from "@/lib/auth/session";
import { hasAnyUser } from "@/lib/tenants/onboarding";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  const user = await getSessionUser();
  if (!user) redirect((await hasAnyUser()) ? "/sign-in" : "/sign-up");
  const [first] = await listMyTenants(user.id);
  redirect(first ? `/t/${first.slug}/keys` : "/new");
}
