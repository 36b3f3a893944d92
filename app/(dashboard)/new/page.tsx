import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/session";
import { CreateTenantForm } from "./_components/create-tenant-form";

export const metadata: Metadata = { title: "New organization" };

export default async function NewTenantPage() {
  await requireUser();
  return (
    <main className="mx-auto max-w-md px-4 py-16">
      <Link href="/" className="text-sm text-zinc-600 hover:underline">
        ← Back
      </Link>
      <h1 className="mt-4 mb-6 text-2xl font-semibold">New organization</h1>
      <div className="rounded-lg border border-zinc-200 bg-white p-6">
        <CreateTenantForm />
      </div>
    </main>
  );
}
