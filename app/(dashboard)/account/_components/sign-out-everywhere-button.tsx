"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useFormAction } from "@/components/ui/use-form-action";
import { signOutEverywhereAction } from "@/lib/account/actions";

export function SignOutEverywhereButton() {
  const [isConfirming, setIsConfirming] = useState(false);
  const { formAction, pending } = useFormAction(signOutEverywhereAction, {
    toastErrors: true,
    // The server has ended this session too; next-auth's sign-out also removes the
    // cookie from this browser and takes it to the sign-in page.
    onSuccess: () => void signOut({ callbackUrl: "/sign-in" }),
    onSettled: () => setIsConfirming(false),
  });
  return (
    <>
      <Button variant="secondary" className="text-red-700" onClick={() => setIsConfirming(true)}>
        Sign out everywhere
      </Button>
      {isConfirming ? (
        <ConfirmDialog
          open
          title="Sign out everywhere?"
          confirmLabel="Sign out everywhere"
          onCancel={() => setIsConfirming(false)}
          formAction={formAction}
          pending={pending}
        >
          <p className="text-sm text-zinc-600">
            Every browser signed in to your account is signed out, this one too. You can sign in
            again with your password.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
