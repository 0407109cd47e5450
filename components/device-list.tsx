"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { revokeDeviceAction, signOutEverywhereAction } from "@/app/devices/actions";
import { LocalTime } from "@/components/local-time";
import { SignOutButton } from "@/components/sign-out-button";
import type { DeviceView } from "@/lib/auth/devices";

export function DeviceList({ devices }: { devices: DeviceView[] }) {
  const router = useRouter();
  const [error, setError] = useState<string>();

  async function revoke(device: DeviceView) {
    if (!window.confirm(`Sign out “${device.name}”? It will need a password or a pairing code to get back in.`)) return;
    const result = await revokeDeviceAction(device.id);
    if (result.ok) router.refresh();
    else setError(result.message);
  }

  async function everywhere() {
    if (!window.confirm("Sign out every device, this one included?")) return;
    const result = await signOutEverywhereAction();
    if (result.ok) router.replace("/sign-in");
    else setError(result.message);
  }

  return (
    <div>
      {error && <p role="alert" className="py-2 text-sm text-rose-700">{error}</p>}
      <ul className="divide-y divide-slate-100" data-testid="device-list">
        {devices.map((device) => (
          <li key={device.id} className="flex items-center justify-between gap-3 py-3" data-testid="device">
            <div className="min-w-0">
              <p className="truncate font-medium text-slate-900">
                {device.name}
                {device.current && <span className="ml-2 rounded-full bg-indigo-50 px-2 py-0.5 text-xs font-medium text-indigo-700">this device</span>}
              </p>
              <p className="text-sm text-slate-500">
                Last seen <LocalTime iso={device.lastSeenAt} /> · notifications {device.push.enabled ? "on" : "off"}
              </p>
            </div>
            {device.current ? (
              <SignOutButton />
            ) : (
              <button type="button" onClick={() => revoke(device)} className="inline-flex min-h-11 items-center justify-center shrink-0 rounded-lg border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:border-rose-300 hover:text-rose-700">
                Sign out
              </button>
            )}
          </li>
        ))}
      </ul>
      <button type="button" onClick={everywhere} className="inline-flex min-h-11 items-center justify-center mt-1 mb-3 text-sm font-medium text-rose-700 hover:underline">
        Sign out everywhere
      </button>
    </div>
  );
}
