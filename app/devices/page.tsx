import type { Metadata } from "next";
import Link from "next/link";
import { DeviceList } from "@/components/device-list";
import { PairDevicePanel } from "@/components/pair-device-panel";
import { PushSettings } from "@/components/push-settings";
import { requireUser } from "@/lib/auth/current-user";
import { listDevices } from "@/lib/auth/devices";
import { listPendingPairingCodes } from "@/lib/auth/pairing";
import { db } from "@/lib/db";

export const metadata: Metadata = { title: "Devices" };
export const dynamic = "force-dynamic";

const sectionClass = "rounded-xl border border-slate-200 bg-white px-4 shadow-sm";
const headingClass = "pt-4 pb-2 text-sm font-semibold tracking-wide text-slate-500 uppercase";

export default async function DevicesPage() {
  const user = await requireUser();
  const [devices, openCodes] = await Promise.all([
    listDevices(db(), { userId: user.id, currentDeviceId: user.deviceId }),
    listPendingPairingCodes(db(), user.id),
  ]);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Devices</h1>
        <p className="mt-1 text-sm text-slate-600">Where you are signed in as {user.email}. Pair your phone to approve from its lock screen.</p>
      </div>
      <section className={`${sectionClass} pb-4`} aria-labelledby="pair-heading">
        <h2 id="pair-heading" className={headingClass}>
          Pair a device
        </h2>
        <PairDevicePanel openCodes={openCodes} />
      </section>
      <section className={sectionClass} aria-labelledby="push-heading">
        <h2 id="push-heading" className={headingClass}>
          Notifications on this device
        </h2>
        <PushSettings />
        <p className="mt-3 text-sm text-slate-600">
          No push here (an iPhone without Baton installed)? Get the same notices, with Approve and Deny links, by mail: turn them on under{" "}
          <Link href="/mail" className="inline-flex min-h-11 min-w-11 items-center justify-center text-indigo-700 underline">
            Mail
          </Link>
          .
        </p>
      </section>
      <section className={sectionClass} aria-labelledby="devices-heading">
        <h2 id="devices-heading" className={headingClass}>
          Signed in
        </h2>
        <DeviceList devices={devices} />
      </section>
    </div>
  );
}
