"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState, useSyncExternalStore } from "react";
import { createPairingCodeAction, revokePairingCodeAction, type PairingOffer } from "@/app/devices/actions";
import { LocalTime } from "@/components/local-time";
import { currentConnection, serverConnection, subscribeConnection, subscribeLive } from "@/lib/live/live-stream";

interface OpenCode {
  id: string;
  expiresAt: string;
}

/**
 * Shows a fresh pairing code and its QR code, counting down to expiry, and the codes made earlier
 * (here or in another tab) that could still sign a device in, each with Cancel.
 */
export function PairDevicePanel({ openCodes }: { openCodes: OpenCode[] }) {
  const router = useRouter();
  const [offer, setOffer] = useState<PairingOffer>();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  /** The device that redeemed the code on show. */
  const [paired, setPaired] = useState<string>();
  const secondsLeft = useSecondsUntil(offer?.expiresAt);

  // The phone redeeming a code is announced on the live stream: say who joined, and list it.
  const connection = useSyncExternalStore(subscribeConnection, currentConnection, serverConnection);
  const offerId = offer?.id;
  useEffect(
    () =>
      subscribeLive((message) => {
        // On (re)connecting, catch up on what happened meanwhile: used codes, new devices.
        if (message.kind === "ready" || message.kind === "resync") return router.refresh();
        if (message.kind !== "pairing") return;
        if (message.pairingId === offerId) {
          setOffer(undefined);
          setPaired(message.deviceName);
        }
        router.refresh();
      }),
    [offerId, router],
  );

  async function create() {
    setPending(true);
    const result = await createPairingCodeAction();
    setPending(false);
    if (result.ok) {
      setOffer(result.value);
      setPaired(undefined);
      setError(undefined);
    } else setError(result.message);
  }

  async function cancel(id: string) {
    await revokePairingCodeAction(id);
    if (offer?.id === id) setOffer(undefined);
    router.refresh();
  }

  const expired = offer !== undefined && secondsLeft <= 0;
  const showing = offer && !expired ? offer : undefined;
  const others = openCodes.filter((code) => code.id !== showing?.id);
  return (
    <div className="space-y-3" data-testid="pair-device-panel" data-live={connection}>
      {error && <p role="alert" className="text-sm text-rose-700">{error}</p>}
      {paired && (
        <p role="status" data-testid="paired-device" className="rounded-lg bg-emerald-50 px-3 py-2 text-sm font-medium text-emerald-900 ring-1 ring-emerald-200">
          Paired: {paired}
        </p>
      )}
      {showing ? (
        <div className="flex flex-col items-center gap-3 sm:flex-row sm:items-start">
          <div
            // White in dark mode too: a scanner needs dark modules on a light ground.
            aria-label="QR code that opens the pairing page with this code"
            role="img"
            className="size-44 shrink-0 rounded-lg border border-slate-200 bg-[#fff] p-1 [&>svg]:size-full"
            dangerouslySetInnerHTML={{ __html: showing.qrSvg }}
          />
          <div className="space-y-2 text-center sm:text-left">
            <p className="text-sm text-slate-600">On the other device, scan the code or open <span className="font-medium">/pair</span> and type:</p>
            <p data-testid="pairing-code" className="font-mono text-3xl font-semibold tracking-widest text-indigo-900">
              {showing.code}
            </p>
            <p className="text-sm text-slate-500" aria-live="polite">
              Works once; expires in {Math.floor(secondsLeft / 60)}:{String(secondsLeft % 60).padStart(2, "0")}.
            </p>
            <button type="button" onClick={() => cancel(showing.id)} className="inline-flex min-h-11 items-center justify-center text-sm font-medium text-slate-700 underline hover:text-rose-700">
              Cancel this code
            </button>
          </div>
        </div>
      ) : (
        <div className="space-y-2">
          {expired && <p className="text-sm text-slate-600">That code expired. Make a new one when the other device is ready.</p>}
          <button
            type="button"
            onClick={create}
            disabled={pending}
            className="inline-flex min-h-11 items-center justify-center rounded-lg bg-indigo-600 px-4 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 disabled:opacity-70"
          >
            {pending ? "Making a code…" : "Pair a phone or another computer"}
          </button>
        </div>
      )}
      {others.length > 0 && (
        <div className="border-t border-slate-100 pt-3" data-testid="open-pairing-codes">
          <p className="text-sm font-medium text-slate-700">Unused codes</p>
          <ul className="mt-1 space-y-1">
            {others.map((code) => (
              <li key={code.id} className="flex items-center justify-between gap-3 text-sm text-slate-600">
                <span>
                  Expires <LocalTime iso={code.expiresAt} />
                </span>
                <button type="button" onClick={() => cancel(code.id)} className="inline-flex min-h-11 items-center justify-center min-w-11 font-medium text-slate-700 underline hover:text-rose-700">
                  Cancel
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function useSecondsUntil(iso: string | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!iso) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [iso]);
  return iso ? Math.max(0, Math.round((new Date(iso).getTime() - now) / 1000)) : 0;
}
