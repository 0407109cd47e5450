"use client";

import { useEffect, useState } from "react";

const KINDS = [
  ["approval", "Approvals", "With Approve and Deny buttons"],
  ["completed", "Finished tasks", "Tap to open the result"],
  ["failed", "Failed tasks", "With the reason"],
  ["schedule", "Missed schedule runs", "When Baton was down at a scheduled time"],
] as const;

interface PushState {
  available: boolean;
  reason: string | null;
  publicKey: string;
  device: { enabled: boolean; kinds: string[] };
}

async function call(method: string, body?: unknown): Promise<PushState["device"] | null> {
  const response = await fetch("/api/push", {
    method,
    headers: body ? { "content-type": "application/json" } : undefined,
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) {
    const json = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(json?.error?.message ?? `Baton answered ${response.status}.`);
  }
  return response.status === 204 ? null : ((await response.json()) as { device: PushState["device"] }).device;
}

/** This device's notifications: on/off (browser permission + push subscription) and which kinds. */
export function PushSettings() {
  const [state, setState] = useState<PushState>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const supported = typeof window !== "undefined" && "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

  useEffect(() => {
    fetch("/api/push")
      .then((response) => response.json() as Promise<PushState>)
      .then(setState, () => setError("Could not load notification settings."));
  }, []);

  async function run(work: () => Promise<PushState["device"] | null>) {
    setBusy(true);
    setError(undefined);
    try {
      const device = await work();
      setState((current) => current && { ...current, device: device ?? { enabled: false, kinds: current.device.kinds } });
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  }

  const turnOn = () =>
    run(async () => {
      if ((await Notification.requestPermission()) !== "granted") throw new Error("Notifications are blocked for Baton in this browser's settings. Allow them, then try again.");
      const registration = await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: state!.publicKey }).catch((cause: unknown) => {
        throw new Error(`This browser could not subscribe to push (${cause instanceof Error ? cause.message : String(cause)}). On iPhone, add Baton to the home screen first.`);
      });
      return call("PUT", { subscription: subscription.toJSON(), kinds: state!.device.kinds });
    });

  const turnOff = () =>
    run(async () => {
      const registration = await navigator.serviceWorker.ready;
      await (await registration.pushManager.getSubscription())?.unsubscribe();
      return call("DELETE");
    });

  const toggleKind = (kind: string, on: boolean) =>
    run(() => call("PATCH", { kinds: on ? [...state!.device.kinds, kind] : state!.device.kinds.filter((entry) => entry !== kind) }));

  if (!state) return <p className="pb-4 text-sm text-slate-500">{error ?? "Loading…"}</p>;
  if (!state.available) return <p className="pb-4 text-sm text-slate-700">{state.reason}</p>;
  if (!supported) return <p className="pb-4 text-sm text-slate-700">This browser cannot receive notifications. On iPhone, add Baton to the home screen and open it from there.</p>;

  return (
    <div className="space-y-3 pb-4" data-testid="push-settings">
      {error && <p role="alert" className="text-sm text-rose-700">{error}</p>}
      <div className="flex items-center justify-between gap-3">
        <p className="text-sm text-slate-700">{state.device.enabled ? "Notifications are on for this device." : "Notifications are off for this device."}</p>
        <button
          type="button"
          onClick={state.device.enabled ? turnOff : turnOn}
          disabled={busy}
          className="inline-flex min-h-11 items-center justify-center shrink-0 rounded-lg bg-indigo-600 px-3 py-2 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-70"
        >
          {state.device.enabled ? "Turn off" : "Turn on"}
        </button>
      </div>
      {state.device.enabled && (
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-700">Send this device</legend>
          {KINDS.map(([kind, label, hint]) => (
            <label key={kind} className="flex min-h-11 items-start gap-3 py-1 text-sm">
              <input
                type="checkbox"
                className="mt-0.5 size-5 accent-indigo-600"
                checked={state.device.kinds.includes(kind)}
                disabled={busy}
                onChange={(event) => toggleKind(kind, event.target.checked)}
              />
              <span>
                <span className="font-medium text-slate-900">{label}</span>
                <span className="block text-slate-500">{hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
      )}
    </div>
  );
}
