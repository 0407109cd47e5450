"use client";

import { useRouter } from "next/navigation";
import { revokePairingCodeAction } from "@/app/devices/actions";
import { LocalTime } from "@/components/local-time";

/** Codes made earlier (here or in another tab) that could still sign a device in, until canceled. */
export function OpenPairingCodes({ codes }: { codes: Array<{ id: string; expiresAt: string }> }) {
  const router = useRouter();
  if (codes.length === 0) return null;
  return (
    <div className="mt-4 border-t border-slate-100 pt-3" data-testid="open-pairing-codes">
      <p className="text-sm font-medium text-slate-700">Unused codes</p>
      <ul className="mt-1 space-y-1">
        {codes.map((code) => (
          <li key={code.id} className="flex items-center justify-between gap-3 text-sm text-slate-600">
            <span>
              Expires <LocalTime iso={code.expiresAt} />
            </span>
            <button
              type="button"
              onClick={async () => {
                await revokePairingCodeAction(code.id);
                router.refresh();
              }}
              className="font-medium text-slate-700 underline hover:text-rose-700"
            >
              Cancel
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
