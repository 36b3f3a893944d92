"use client";

import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage, TextField } from "@/components/ui/field";
import { type ActionState, fieldErrorsOf, IDLE } from "@/lib/auth/action-state";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { signUpAction } from "@/lib/tenants/actions";

export function SignUpForm({ invite, invitedEmail }: { invite: string; invitedEmail: string }) {
  const router = useRouter();
  const [state, setState] = useState<ActionState<{ tenantSlug: string }>>(IDLE);
  const [pending, setPending] = useState(false);
  const errors = fieldErrorsOf(state);

  // Submitted by hand rather than through <form action> so that the fields keep what
  // the person typed when the server answers with errors.
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    const result = await signUpAction(IDLE, form);
    if (result.status !== "success" || !result.data) {
      setState(result);
      setPending(false);
      return;
    }
    const signedIn = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    });
    if (!signedIn?.ok) {
      router.push("/sign-in");
      return;
    }
    // The destination is built from what the server answered; it still passes the one
    // same-origin rule every post-sign-in navigation passes.
    router.push(safeCallbackPath(`/t/${result.data.tenantSlug}/keys`, window.location.origin));
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <FormMessage state={state} />
      <input type="hidden" name="invite" value={invite} />
      <TextField id="name" label="Your name" autoComplete="name" errors={errors.name} required />
      <TextField
        id="email"
        label="Email"
        type="email"
        autoComplete="email"
        defaultValue={invitedEmail}
        errors={errors.email}
        required
      />
      <TextField
        id="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        hint="At least 10 characters."
        errors={errors.password}
        required
      />
      {invite ? (
        errors.invite ? (
          <p className="text-sm text-red-600">{errors.invite.join(" ")}</p>
        ) : null
      ) : (
        <TextField
          id="organization"
          label="Organization name"
          autoComplete="organization"
          errors={errors.organization}
          required
        />
      )}
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Creating account…" : "Create account"}
      </Button>
    </form>
  );
}
