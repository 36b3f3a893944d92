import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { Toaster } from "sonner";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Keyplane", template: "%s · Keyplane" },
  description: "Self-hosted API key management",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered for its request: the scripts of a page prerendered at build
  // time could not carry the nonce of the request's Content Security Policy (proxy.ts),
  // and the browser would refuse to run them.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        {children}
        <Toaster position="bottom-right" richColors closeButton />
      </body>
    </html>
  );
}
