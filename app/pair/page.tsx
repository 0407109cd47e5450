import type { Metadata } from "next";
import { AuthPanel } from "@/components/auth-panel";
import { PairForm } from "@/components/pair-form";

export const metadata: Metadata = { title: "Pair this device" };

export default async function PairPage({ searchParams }: PageProps<"/pair">) {
  const { code } = await searchParams;
  return (
    <AuthPanel title="Pair this device" intro="Use the code from a device where you are signed in to Baton. Codes work once and expire after 5 minutes.">
      <PairForm code={typeof code === "string" ? code : undefined} />
    </AuthPanel>
  );
}
